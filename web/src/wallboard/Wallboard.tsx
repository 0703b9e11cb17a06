/**
 * The supervisor's wallboard: agents by state with their time in it, every queue's callers
 * waiting, longest wait and service level, and a chart of the waiting — read once from the API,
 * then kept live by the event stream (agent.state, queue.stats); a reconnect that lost events
 * reads everything again. The supervisor acts on agents from the grid and answers their help
 * requests (AgentActions, HelpRequests). A supervisor with an extension of their own has the
 * desktop's softphone on the page: listen, whisper and barge then ring the page itself.
 */
import { Alert, Card, Col, Input, Row, Space, Statistic, Table, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Page } from '../api.js';
import { clock, stateColours, useElapsed } from '../desktop/StateBar.js';
import type { AgentView } from '../desktop/model.js';
import { useEventStream, type AgentStateData, type KefuEvent, type QueueStatsData } from '../events.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { AgentActions } from './AgentActions.js';
import { useNotReadyReasons } from '../desktop/use-reasons.js';
import { Softphone } from '../desktop/Softphone.js';
import { useSoftphone } from '../desktop/use-softphone.js';
import { HelpRequests } from './HelpRequests.js';
import { SkillsEditor } from './SkillsEditor.js';
import { useHelpRequests, useSupervision } from './supervision.js';
import { WaitingChart, type Sample } from './WaitingChart.js';

interface AgentRow {
  id: string;
  displayName: string;
  extension: string;
  skills: Record<string, number>;
}

interface AgentLive {
  state: string;
  reason: string | null;
  since: number;
}

const keepSamples = 300;

function InState({ since }: { since: number }) {
  return <span>{clock(useElapsed(since))}</span>;
}

export function Wallboard({ hasPhone }: { hasPhone: boolean }) {
  const { t } = useI18n();
  const phone = useSoftphone(hasPhone);
  const reasons = useNotReadyReasons();
  const [agents, setAgents] = useState<AgentRow[]>([]);
  const [live, setLive] = useState<Record<string, AgentLive>>({});
  const [stats, setStats] = useState<Record<string, QueueStatsData>>({});
  const [samples, setSamples] = useState<Sample[]>([]);
  const [editing, setEditing] = useState<AgentRow>();
  const supervision = useSupervision();
  const help = useHelpRequests();

  const load = useCallback(async () => {
    const [directory, now, queues] = await Promise.all([
      api<Page<AgentRow>>('GET', '/agents?limit=200'),
      api<{ items: AgentView[] }>('GET', '/agent-states/now'),
      api<Page<{ name: string }>>('GET', '/queues?limit=200'),
    ]);
    setAgents(directory.items);
    setLive(Object.fromEntries(now.items.map((view) => [view.agent, { state: view.state, reason: view.reason, since: view.since }])));
    // GET /queues/:name/stats names the queue `queue`; the queue.stats event names it `queueId`.
    const figures = await Promise.all(
      queues.items.map(async (queue) => ({ ...(await api<Omit<QueueStatsData, 'queueId'>>('GET', `/queues/${encodeURIComponent(queue.name)}/stats`)), queueId: queue.name })),
    );
    setStats(Object.fromEntries(figures.map((figure) => [figure.queueId, figure])));
    await help.load();
  }, [help.load]);

  const latest = useRef(stats);
  latest.current = stats;
  useEffect(() => {
    const sample = () => {
      const waiting = Object.fromEntries(Object.values(latest.current).map((q) => [q.queueId, q.waiting]));
      setSamples((previous) => [...previous.slice(-keepSamples + 1), { at: Date.now(), waiting }]);
    };
    const timer = setInterval(sample, 2000);
    return () => clearInterval(timer);
  }, []);

  const connected = useEventStream({
    onResync: () => void load(),
    onEvent: (event: KefuEvent) => {
      supervision.onEvent(event);
      help.onEvent(event);
      if (event.type === 'agent.state') {
        const data = event.data as unknown as AgentStateData;
        setLive((current) => ({ ...current, [data.agentId]: { state: data.to, reason: data.reason, since: Date.parse(event.at) } }));
      } else if (event.type === 'queue.stats') {
        const data = event.data as unknown as QueueStatsData;
        setStats((current) => ({ ...current, [data.queueId]: data }));
      }
    },
  });

  const states = Object.values(live);
  const count = (...which: string[]) => states.filter((agent) => which.includes(agent.state)).length;
  const queues = Object.values(stats).sort((a, b) => a.queueId.localeCompare(b.queueId));
  const waiting = queues.reduce((sum, q) => sum + q.waiting, 0);
  const longest = queues.reduce((max, q) => Math.max(max, q.longestWaitMs), 0);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {!connected && <Alert type="info" title={t('events.reconnecting')} />}
      <HelpRequests requests={help.requests} onAnswer={help.answer} />
      <Row gutter={16}>
        {[
          ['wall.serving', count('busy', 'reserved', 'wrap_up'), 'serving'],
          ['wall.idle', count('ready'), 'idle'],
          ['wall.closed', count('not_ready', 'logged_out'), 'closed'],
          ['wall.waiting', waiting, 'waiting'],
        ].map(([title, value, id]) => (
          <Col xs={12} lg={4} key={id}>
            <Card size="small">
              <Statistic title={t(title as MessageKey)} value={value} data-testid={`total-${id}`} />
            </Card>
          </Col>
        ))}
        <Col xs={12} lg={4}>
          <Card size="small">
            <Statistic title={t('wall.longestWait')} value={clock(Math.floor(longest / 1000))} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('wall.queues')}>
        <Table<QueueStatsData>
          size="small"
          rowKey="queueId"
          pagination={false}
          dataSource={queues}
          onRow={(row) => ({ 'data-testid': `queue-${row.queueId}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('wall.queue'), dataIndex: 'queueId' },
            { title: t('wall.waiting'), dataIndex: 'waiting', render: (n: number) => <span data-testid="waiting">{n}</span> },
            { title: t('wall.longestWait'), dataIndex: 'longestWaitMs', render: (ms: number) => clock(Math.floor(ms / 1000)) },
            {
              title: t('wall.serviceLevel'),
              render: (_, q) => (q.serviceLevel.percent === null ? '—' : `${q.serviceLevel.percent.toFixed(1)} % / ${q.serviceLevel.targetPercent} % (${q.serviceLevel.thresholdSeconds} s)`),
            },
            { title: t('state.ready'), render: (_, q) => q.agents.ready ?? 0 },
            { title: t('state.busy'), render: (_, q) => (q.agents.busy ?? 0) + (q.agents.reserved ?? 0) },
            { title: t('state.wrap_up'), render: (_, q) => q.agents.wrap_up ?? 0 },
          ]}
        />
        <WaitingChart samples={samples} queues={queues.map((q) => q.queueId)} />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={hasPhone ? 18 : 24}>
          <Card
            size="small"
            title={t('wall.agents')}
            extra={
              <Space>
                <span title={t('sup.myPhoneHint')}>{t('sup.myPhone')}</span>
                <Input size="small" style={{ width: 140 }} data-testid="monitor-phone" value={supervision.phone} onChange={(e) => supervision.setPhone(e.target.value.trim())} />
              </Space>
            }
          >
            <Alert type="info" showIcon title={t('sup.myPhoneHint')} style={{ marginBottom: 8 }} />
            <Table<AgentRow>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={agents}
              onRow={(row) => ({ 'data-testid': `agent-${row.extension}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('wall.agent'), dataIndex: 'displayName' },
                { title: t('softphone.extension'), dataIndex: 'extension' },
                {
                  title: t('wall.state'),
                  render: (_, row) => {
                    const now = live[row.id];
                    if (now === undefined) return '—';
                    return (
                      <Tag color={stateColours[now.state]} data-testid="state" data-state={now.state}>
                        {t(`state.${now.state}` as MessageKey)}
                        {now.reason === null ? '' : ` · ${reasons.label(now.reason)}`}
                      </Tag>
                    );
                  },
                },
                { title: t('wall.inState'), render: (_, row) => (live[row.id] === undefined ? '—' : <InState since={live[row.id]!.since} />) },
                { title: t('sup.actions'), render: (_, row) => <AgentActions agent={row} state={live[row.id]?.state} supervision={supervision} onEditSkills={() => setEditing(row)} reasons={reasons} /> },
              ]}
            />
          </Card>
        </Col>
        {hasPhone && (
          <Col xs={24} xl={6}>
            <Softphone phone={phone} sipCallId={undefined} />
          </Col>
        )}
      </Row>
      <SkillsEditor
        agent={editing}
        onClose={(saved) => {
          setEditing(undefined);
          if (saved) void load();
        }}
      />
    </Space>
  );
}
