/** The offer or call the agent has now: caller, customer card, and transfer (blind or attended). */
import { Alert, Button, Card, Descriptions, Empty, Input, Radio, Space, Tag } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Customer, Interaction } from './model.js';

export interface CurrentCallProps {
  interaction: Interaction | undefined;
  customer: Customer | null | undefined;
}

export function CurrentCall({ interaction, customer }: CurrentCallProps) {
  const { t } = useI18n();
  if (interaction === undefined) {
    return (
      <Card size="small" title={t('call.title')}>
        <Empty description={t('call.none')} />
      </Card>
    );
  }
  const phase = interaction.state;
  return (
    <Card size="small" title={t('call.title')} extra={<Tag color={phase === 'connected' ? 'red' : phase === 'ended' ? 'default' : 'gold'}>{t(`call.${phase}`)}</Tag>} data-testid="current-call">
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('call.caller')}>
          <span data-testid="caller">{interaction.caller ?? t('call.unknown')}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('call.customer')}>
          <span data-testid="customer">{customer === undefined ? '…' : customer === null ? t('call.newCustomer') : customer.name}</span>
          {customer?.vip === true && <Tag color="red" style={{ marginLeft: 8 }}>VIP</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('call.company')}>{customer?.company || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('call.queue')}>{interaction.queue ?? '—'}</Descriptions.Item>
        {customer?.notes ? (
          <Descriptions.Item label={t('call.notes')} span={2}>
            {customer.notes}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {phase === 'connected' && interaction.sipCallId !== null && <Transfer sipCallId={interaction.sipCallId} />}
    </Card>
  );
}

function Transfer({ sipCallId }: { sipCallId: string }) {
  const { t } = useI18n();
  const [to, setTo] = useState('');
  const [mode, setMode] = useState<'blind' | 'attended'>('blind');
  const [consulting, setConsulting] = useState(false);
  const [error, setError] = useState<string>();
  const path = `/calls/${encodeURIComponent(sipCallId)}/transfer`;

  async function run(step: () => Promise<unknown>) {
    setError(undefined);
    try {
      await step();
    } catch (failure) {
      setError(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    }
  }

  return (
    <div style={{ marginTop: 16 }}>
      <Space wrap>
        <Input placeholder={t('transfer.to')} value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 160 }} disabled={consulting} />
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'blind' | 'attended')} disabled={consulting}>
          <Radio.Button value="blind">{t('transfer.blind')}</Radio.Button>
          <Radio.Button value="attended">{t('transfer.attended')}</Radio.Button>
        </Radio.Group>
        {consulting ? (
          <>
            <Button type="primary" onClick={() => run(async () => (await api('POST', `${path}/complete`), setConsulting(false)))}>
              {t('transfer.complete')}
            </Button>
            <Button onClick={() => run(async () => (await api('POST', `${path}/cancel`), setConsulting(false)))}>{t('transfer.cancel')}</Button>
          </>
        ) : (
          <Button type="primary" disabled={to === ''} onClick={() => run(async () => (await api('POST', path, { to, mode }), setConsulting(mode === 'attended')))}>
            {t('transfer.go')}
          </Button>
        )}
      </Space>
      {error !== undefined && <Alert type="error" title={error} style={{ marginTop: 8 }} />}
    </div>
  );
}
