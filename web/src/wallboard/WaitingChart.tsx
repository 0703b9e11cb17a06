/** Callers waiting per queue over the last minutes, as an ECharts line chart (only the parts used are bundled). */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface Sample {
  at: number;
  waiting: Record<string, number>;
}

export function WaitingChart({ samples, queues }: { samples: Sample[]; queues: string[] }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);

  useEffect(() => {
    chart.current = echarts.init(element.current!);
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 24 },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', minInterval: 1 },
        series: queues.map((queue) => ({ name: queue, type: 'line', showSymbol: false, step: 'end', data: samples.map((s) => [s.at, s.waiting[queue] ?? 0]) })),
      },
      { notMerge: true },
    );
  }, [samples, queues]);

  return <div ref={element} data-testid="waiting-chart" style={{ height: 240, width: '100%' }} />;
}
