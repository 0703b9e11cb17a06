/**
 * Prompts: the list, listening to one, uploading a WAV file (the node keeps it as 8 kHz mono),
 * making one in the browser (recorded or opened, trimmed, amplified: PromptEditor), deleting.
 */
import { Alert, Button, Card, Input, Popconfirm, Space, Table, Upload } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { PromptEditor } from './PromptEditor.js';

interface Prompt {
  id: string;
  name: string;
  description: string;
  durationMs?: number;
}

export function PromptsPage() {
  const { t } = useI18n();
  const [prompts, setPrompts] = useState<Prompt[]>();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();

  const load = useCallback(() => {
    api<Page<Prompt>>('GET', '/prompts?limit=200').then((page) => setPrompts(page.items), (failure: unknown) => setProblem(String(failure)));
  }, []);
  useEffect(load, [load]);

  /** Stores `file` as the prompt named above; the API's refusal is shown and thrown. */
  async function upload(file: Blob) {
    setProblem(undefined);
    const response = await fetch(`/api/v1/prompts?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: file });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
      const refusal = `${body.error?.code ?? response.status}: ${body.error?.message ?? response.statusText}`;
      setProblem(refusal);
      throw new Error(refusal);
    }
    setName('');
    load();
  }

  async function remove(prompt: Prompt) {
    try {
      await api('DELETE', `/prompts/${prompt.id}`);
      load();
    } catch (failure) {
      setProblem(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    }
  }

  return (
    <Card title={t('admin.prompts')}>
      <Space style={{ marginBottom: 16 }}>
        <Input placeholder={t('field.name')} value={name} data-testid="prompt-name" onChange={(e) => setName(e.target.value)} />
        <Upload accept="audio/wav,.wav" showUploadList={false} disabled={name === ''} beforeUpload={(file) => (void upload(file).catch(() => undefined), false)}>
          <Button disabled={name === ''}>{t('prompts.upload')}</Button>
        </Upload>
      </Space>
      {problem !== undefined && <Alert type="error" title={problem} style={{ marginBottom: 16 }} />}
      <PromptEditor name={name} upload={upload} />
      <Table<Prompt>
        size="small"
        rowKey="id"
        loading={prompts === undefined}
        dataSource={prompts}
        pagination={false}
        columns={[
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.description'), dataIndex: 'description' },
          { title: t('prompts.listen'), render: (_, prompt) => <audio controls preload="none" src={`/api/v1/prompts/${prompt.id}/audio`} style={{ height: 32 }} /> },
          {
            title: '',
            render: (_, prompt) => (
              <Popconfirm title={t('admin.confirmDelete')} onConfirm={() => remove(prompt)}>
                <Button size="small" danger>
                  {t('admin.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
