/** Voice flows: the list, each draft as JSON, publishing the draft as the next live version, and the graphical editor. */
import { Alert, Button, Card, Drawer, Space, Table, Tag, message } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { FlowEditor } from './flow-editor/FlowEditor.js';

interface Flow {
  id: string;
  name: string;
  description: string;
  draft: unknown;
  liveVersion: number | null;
  version: number;
  updatedAt: string;
}

export function FlowsPage() {
  const { t } = useI18n();
  const [flows, setFlows] = useState<Flow[]>();
  const [shown, setShown] = useState<Flow>();
  const [problem, setProblem] = useState<string>();
  /** The flow open in the editor; null: a new one. */
  const [editing, setEditing] = useState<Flow | null>();

  const load = useCallback(() => {
    api<Page<Flow>>('GET', '/flows?limit=200').then((page) => setFlows(page.items), (failure: unknown) => setProblem(String(failure)));
  }, []);
  useEffect(load, [load]);

  async function publish(flow: Flow) {
    setProblem(undefined);
    try {
      const after = await api<Flow>('POST', `/flows/${flow.id}/publish`, { version: flow.version });
      void message.success(`${t('flows.published')} v${after.liveVersion}`);
      load();
    } catch (failure) {
      const details = failure instanceof ApiError ? failure.details.map((d) => `${d.path}: ${d.message}`).join('; ') : '';
      setProblem(failure instanceof ApiError ? `${failure.code}: ${failure.message} ${details}` : String(failure));
    }
  }

  if (editing !== undefined) {
    return (
      <FlowEditor
        flow={editing ?? undefined}
        onClose={() => {
          setEditing(undefined);
          load();
        }}
      />
    );
  }

  return (
    <Card
      title={t('admin.flows')}
      extra={
        <Button type="primary" data-testid="new-flow" onClick={() => setEditing(null)}>
          {t('fe.new')}
        </Button>
      }
    >
      {problem !== undefined && <Alert type="error" title={problem} style={{ marginBottom: 16 }} />}
      <Table<Flow>
        size="small"
        rowKey="id"
        loading={flows === undefined}
        dataSource={flows}
        pagination={false}
        columns={[
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.description'), dataIndex: 'description' },
          { title: t('flows.live'), dataIndex: 'liveVersion', render: (v: number | null) => (v === null ? <Tag>{t('flows.draftOnly')}</Tag> : <Tag color="green">v{v}</Tag>) },
          {
            title: '',
            render: (_, flow) => (
              <Space>
                <Button size="small" data-testid={`edit-${flow.name}`} onClick={() => setEditing(flow)}>
                  {t('fe.edit')}
                </Button>
                <Button size="small" onClick={() => setShown(flow)}>
                  {t('flows.view')}
                </Button>
                <Button size="small" type="primary" onClick={() => publish(flow)}>
                  {t('flows.publish')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Drawer open={shown !== undefined} title={shown?.name} size="large" onClose={() => setShown(undefined)}>
        <pre style={{ fontSize: 12 }}>{JSON.stringify(shown?.draft, null, 2)}</pre>
      </Drawer>
    </Card>
  );
}
