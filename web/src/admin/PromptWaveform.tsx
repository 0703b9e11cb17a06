/**
 * The waveform of the prompt being edited (K5), drawn on a canvas under the trim controls: each
 * column the loudest and quietest sample of its slice of the audio, in colour between the start
 * and the end kept, grey where trimming cuts it off, with a line at each end of the kept part.
 */
import { useEffect, useMemo, useRef } from 'react';

export interface PromptWaveformProps {
  source: AudioBuffer;
  /** The part kept, in seconds. */
  start: number;
  end: number;
}

/** The canvas's own pixels; CSS stretches it to the card's width. */
const WIDTH = 800;
const HEIGHT = 96;
const KEPT = '#1677ff';
const CUT = '#bfbfbf';
const EDGE = '#ff4d4f';

export function PromptWaveform({ source, start, end }: PromptWaveformProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const peaks = useMemo(() => peaksOf(source), [source]);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (context === undefined || context === null) return;
    context.clearRect(0, 0, WIDTH, HEIGHT);
    const middle = HEIGHT / 2;
    const toX = (seconds: number) => (seconds / source.duration) * WIDTH;
    const [from, to] = [toX(start), toX(end)];
    for (let x = 0; x < WIDTH; x++) {
      const low = peaks.min[x] ?? 0;
      const high = peaks.max[x] ?? 0;
      context.fillStyle = x >= from && x < to ? KEPT : CUT;
      // At least one pixel tall, so that silence still shows as a line.
      context.fillRect(x, middle - high * middle, 1, Math.max(1, (high - low) * middle));
    }
    context.fillStyle = EDGE;
    context.fillRect(Math.min(from, WIDTH - 1), 0, 1, HEIGHT);
    context.fillRect(Math.min(to, WIDTH - 1), 0, 1, HEIGHT);
  }, [peaks, source, start, end]);

  return <canvas ref={canvas} width={WIDTH} height={HEIGHT} style={{ width: '100%', height: HEIGHT, display: 'block', marginTop: 12, background: '#fafafa' }} data-testid="prompt-waveform" />;
}

/** The lowest and highest sample (-1 to 1, channels mixed) of each column's slice of `source`. */
function peaksOf(source: AudioBuffer): { min: Float32Array; max: Float32Array } {
  const channels = Array.from({ length: source.numberOfChannels }, (_, i) => source.getChannelData(i));
  const min = new Float32Array(WIDTH);
  const max = new Float32Array(WIDTH);
  const perColumn = source.length / WIDTH;
  for (let x = 0; x < WIDTH; x++) {
    let low = 0;
    let high = 0;
    for (let i = Math.floor(x * perColumn); i < Math.min(source.length, Math.floor((x + 1) * perColumn)); i++) {
      let sample = 0;
      for (const channel of channels) sample += channel[i]!;
      sample /= channels.length;
      if (sample < low) low = sample;
      if (sample > high) high = sample;
    }
    min[x] = Math.max(-1, low);
    max[x] = Math.min(1, high);
  }
  return { min, max };
}
