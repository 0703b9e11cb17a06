/**
 * The offer or call the agent has now: caller, customer card with the customer's cases (and
 * 新建工单 once answered), and transfer. A call that rings the agent's phone without a queue's
 * offer (a colleague transferring a caller) pops the card of the customer whose number is calling.
 */
import { Card, Descriptions, Empty, Tag } from 'antd';
import { useI18n } from '../i18n.js';
import { CustomerCases } from './CustomerCases.js';
import { phaseFor, type Customer, type Interaction } from './model.js';
import { Transfer } from './Transfer.js';
import type { LiveCallView } from './use-live-call.js';

export interface CurrentCallProps {
  interaction: Interaction | undefined;
  /** The agent looking: a call transferred away from them is shown as no longer theirs. */
  agentId: string | undefined;
  customer: Customer | null | undefined;
  /** The agent's own extension, left out of the transfer directory. */
  ownExtension: string | undefined;
  /** The agent is on the call now (not wrapping it up after a transfer). */
  canTransfer: boolean;
  /** The call as Kefu has it now (consulting, in a conference), for the transfer. */
  live: LiveCallView;
  /** A call ringing the agent's phone that no queue offered, with the customer of its number. */
  ringing: { number: string; customer: Customer | null | undefined } | undefined;
}

export function CurrentCall({ interaction, agentId, customer, ownExtension, canTransfer, live, ringing }: CurrentCallProps) {
  const { t } = useI18n();
  if (ringing !== undefined) {
    return (
      <Card size="small" title={t('call.title')} extra={<Tag color="gold">{t('call.direct')}</Tag>} data-testid="current-call">
        <CustomerCard caller={ringing.number} customer={ringing.customer} queue={null} />
      </Card>
    );
  }
  if (interaction === undefined) {
    return (
      <Card size="small" title={t('call.title')}>
        <Empty description={t('call.none')} />
      </Card>
    );
  }
  const { phase, to } = phaseFor(interaction, agentId);
  const tag = (
    <Tag color={phase === 'connected' ? 'red' : phase === 'ended' || phase === 'transferred' ? 'default' : 'gold'} data-testid="call-phase" data-phase={phase}>
      {t(`call.${phase}`)}
      {to === undefined ? '' : ` → ${to}`}
    </Tag>
  );
  return (
    <Card size="small" title={t('call.title')} extra={tag} data-testid="current-call">
      <CustomerCard caller={interaction.caller} customer={customer} queue={interaction.queue} />
      <CustomerCases key={interaction.id} interaction={interaction} customer={customer} />
      {canTransfer && phase === 'connected' && interaction.sipCallId !== null && <Transfer sipCallId={interaction.sipCallId} ownExtension={ownExtension} live={live} />}
    </Card>
  );
}

function CustomerCard({ caller, customer, queue }: { caller: string | null; customer: Customer | null | undefined; queue: string | null }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={2} bordered>
      <Descriptions.Item label={t('call.caller')}>
        <span data-testid="caller">{caller ?? t('call.unknown')}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('call.customer')}>
        <span data-testid="customer">{customer === undefined ? '…' : customer === null ? t('call.newCustomer') : customer.name}</span>
        {customer?.vip === true && <Tag color="red" style={{ marginLeft: 8 }}>VIP</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label={t('call.company')}>{customer?.company || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('call.queue')}>{queue ?? '—'}</Descriptions.Item>
      {customer?.notes ? (
        <Descriptions.Item label={t('call.notes')} span={2}>
          {customer.notes}
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}
