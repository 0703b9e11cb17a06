/** A flow's published versions, newest first, with the one live marked and rollback to any other. */
import { Button, Drawer, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { attempt } from '../../attempt.js';

interface Version {
  number: number;
  publishedBy: string;
  publishedAt: string;
}

export interface FlowVersionsProps {
  flow: { id: string; version: number; liveVersion: number | null } | undefined;
  open: boolean;
  onClose: () => void;
  /** After a rollback: the flow as the API returned it. */
  onRolledBack: (flow: { version: number; liveVersion: number | null }) => void;
}

export function FlowVersions({ flow, open, onClose, onRolledBack }: FlowVersionsProps) {
  const { t } = useI18n();
  const [versions, setVersions] = useState<Version[]>();
  useEffect(() => {
    if (open && flow !== undefined) void attempt(async () => setVersions((await api<{ items: Version[] }>('GET', `/flows/${flow.id}/versions`)).items));
  }, [open, flow]);

  async function rollback(number: number) {
    if (flow === undefined) return;
    await attempt(async () => onRolledBack(await api('POST', `/flows/${flow.id}/rollback`, { version: flow.version, number })));
  }

  return (
    <Drawer open={open} title={t('fe.versions')} onClose={onClose} size="default">
      <Table<Version>
        size="small"
        rowKey="number"
        pagination={false}
        dataSource={versions}
        loading={versions === undefined}
        onRow={(row) => ({ 'data-testid': `version-${row.number}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('fe.version'), dataIndex: 'number', render: (n: number) => (n === flow?.liveVersion ? <Tag color="green">v{n}</Tag> : `v${n}`) },
          { title: t('fe.publishedBy'), dataIndex: 'publishedBy' },
          { title: t('fe.publishedAt'), dataIndex: 'publishedAt', render: (at: string) => new Date(at).toLocaleString() },
          {
            title: '',
            render: (_, row) =>
              row.number === flow?.liveVersion ? null : (
                <Button size="small" data-testid="rollback" onClick={() => void rollback(row.number)}>
                  {t('fe.rollback')}
                </Button>
              ),
          },
        ]}
      />
    </Drawer>
  );
}
