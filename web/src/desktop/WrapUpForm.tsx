/**
 * The wrap-up form: while the agent wraps up a call, a disposition and a note for the
 * interaction (POST /interactions/:id/wrap-up; saving again replaces them, the timeline keeps each).
 */
import { Button, Card, Form, Input, Select, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../api.js';
import { attempt } from '../attempt.js';
import { useI18n } from '../i18n.js';

export const dispositions = ['resolved', 'follow_up', 'transferred', 'complaint', 'wrong_number', 'other'] as const;

interface WrapUpValues {
  disposition: string;
  note?: string;
}

export function WrapUpForm({ interactionId }: { interactionId: string }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<string>();
  const [form] = Form.useForm<WrapUpValues>();

  async function save(values: WrapUpValues) {
    const note = values.note?.trim();
    const done = await attempt(() => api('POST', `/interactions/${interactionId}/wrap-up`, { disposition: values.disposition, ...(note ? { note } : {}) }));
    if (done) setSaved(values.disposition);
  }

  return (
    <Card
      size="small"
      title={t('wrapUp.title')}
      data-testid="wrap-up-form"
      extra={saved !== undefined && <Tag color="green" data-testid="wrap-up-saved" data-disposition={saved}>{t('wrapUp.saved')}</Tag>}
    >
      <Form form={form} layout="inline" onFinish={(values) => void save(values)}>
        <Form.Item name="disposition" label={t('wrapUp.disposition')} rules={[{ required: true, message: t('wrapUp.dispositionNeeded') }]}>
          <Select style={{ width: 180 }} data-testid="wrap-up-disposition" options={dispositions.map((code) => ({ value: code, label: t(`wrapUp.${code}`) }))} />
        </Form.Item>
        <Form.Item name="note" label={t('wrapUp.note')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} style={{ width: 320 }} data-testid="wrap-up-note" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="wrap-up-save">
            {t('wrapUp.save')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
