/**
 * The agent's latest interactions (GET /interactions: for an agent, those they answered). One the
 * agent transferred on, now with someone else, is shown as transferred, whatever its state.
 */
import { Card, Table } from 'antd';
import { useI18n } from '../i18n.js';
import type { Interaction } from './model.js';

export function RecentInteractions({ items, agentId }: { items: Interaction[]; agentId: string | undefined }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('recent.title')}>
      <Table<Interaction>
        size="small"
        rowKey="id"
        dataSource={items}
        pagination={false}
        columns={[
          { title: t('recent.time'), dataIndex: 'createdAt', render: (value: string) => new Date(value).toLocaleString() },
          { title: t('call.caller'), dataIndex: 'caller' },
          { title: t('call.queue'), dataIndex: 'queue' },
          {
            title: t('recent.state'),
            dataIndex: 'state',
            render: (value: string, row: Interaction) => (row.agentId !== null && agentId !== undefined && row.agentId !== agentId ? t('call.transferred') : t(`call.${value}` as 'call.ended')),
          },
          { title: t('recent.waited'), dataIndex: 'waitedMs', render: (ms: number | null) => (ms === null ? '—' : `${Math.round(ms / 1000)} s`) },
        ]}
      />
    </Card>
  );
}
