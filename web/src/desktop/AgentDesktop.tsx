/**
 * The agent desktop: state bar, the offer or call in hand with the customer, the phone, and recent
 * interactions. It reads /agents/me/state and follows the event stream (agent.state and the
 * interactions offered to or answered by the agent), re-reading after a reconnect that lost events.
 */
import { Alert, Col, Row, Space, message } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useEventStream, type KefuEvent } from '../events.js';
import { useI18n } from '../i18n.js';
import { CurrentCall } from './CurrentCall.js';
import { phaseFor, type AgentView, type Customer, type Interaction } from './model.js';
import { Customers } from './Customers.js';
import { RecentInteractions } from './RecentInteractions.js';
import { Softphone } from './Softphone.js';
import { StateBar } from './StateBar.js';
import { useLiveCall } from './use-live-call.js';
import { useSoftphone } from './use-softphone.js';
import { WrapUpForm } from './WrapUpForm.js';

export function AgentDesktop() {
  const { t } = useI18n();
  const [view, setView] = useState<AgentView>();
  const [interaction, setInteraction] = useState<Interaction>();
  const [customer, setCustomer] = useState<Customer | null>();
  const [recent, setRecent] = useState<Interaction[]>([]);
  const [wrapUpSeconds, setWrapUpSeconds] = useState<number>();
  const [extended, setExtended] = useState(0);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [helpWaiting, setHelpWaiting] = useState(false);
  const [callChanges, setCallChanges] = useState(0);
  const agentId = useRef<string>(undefined);
  // Registered from the first render: after a reload mid-call, Kefu calls the page back as soon as it has.
  const phone = useSoftphone();
  // A call ringing the phone that no queue offered (a colleague's transfer): its number's customer.
  const directRing = phone.call === 'ringing' && view !== undefined && view.state !== 'reserved' ? phone.peerNumber : undefined;
  const [ringCustomer, setRingCustomer] = useState<Customer | null>();

  // Events come in bursts (a transfer: transferred, the agent's state, answered by the next agent):
  // only the newest reading is shown, not one that a slower, older request answers last.
  const readings = useRef(0);
  const showInteraction = useCallback(async (id: string) => {
    const reading = ++readings.current;
    const row = await api<Interaction>('GET', `/interactions/${id}`);
    if (reading !== readings.current) return;
    setInteraction(row);
    if (row.queue !== null) api<{ settings: { wrapUpSeconds?: number } }>('GET', `/queues/${encodeURIComponent(row.queue)}`).then((q) => setWrapUpSeconds(q.settings.wrapUpSeconds ?? 0), () => undefined);
    if (row.caller === null) return setCustomer(null);
    const found = await api<Page<Customer>>('GET', `/customers?phone=${encodeURIComponent(row.caller)}`).catch(() => undefined);
    setCustomer(found?.items[0] ?? null);
  }, []);

  const loadRecent = useCallback(() => {
    api<Page<Interaction>>('GET', '/interactions?limit=10').then((page) => setRecent(page.items), () => undefined);
  }, []);

  const loadState = useCallback(async () => {
    try {
      const now = await api<AgentView>('GET', '/agents/me/state');
      setView(now);
      agentId.current = now.agent;
      const working = now.work[0];
      if (working !== undefined) await showInteraction(working);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) setError(t('desktop.notAgent'));
      // A reload after an event that failed (a slow or busy server) keeps the desk as it was: the next event loads it again.
      else if (agentId.current === undefined) setError(String(failure));
      else void message.warning(String(failure));
    }
  }, [showInteraction, t]);

  useEffect(() => {
    loadRecent();
  }, [loadRecent]);

  useEffect(() => {
    setRingCustomer(undefined);
    if (directRing === undefined) return;
    api<Page<Customer>>('GET', `/customers?phone=${encodeURIComponent(directRing)}`).then(
      (found) => setRingCustomer(found.items[0] ?? null),
      () => setRingCustomer(null),
    );
  }, [directRing]);

  // The caller connected to this agent now: not a call a transfer took to someone else.
  const sipCallId = interaction !== undefined && phaseFor(interaction, view?.agent).phase === 'connected' ? interaction.sipCallId : undefined;
  const live = useLiveCall(sipCallId, `${callChanges} ${phone.call}`);

  const connected = useEventStream({
    onResync: () => {
      void loadState();
      loadRecent();
    },
    onEvent: (event: KefuEvent) => {
      const data = event.data as { agentId?: string | null; interactionId?: string; by?: string };
      if (event.type === 'agent.help_answered' && data.agentId === agentId.current) {
        setHelpWaiting(false);
        void message.info({ content: `${t('desktop.helpAnswered')} ${data.by ?? ''}`, key: 'help-answered', className: 'help-answered' });
      } else if (event.type === 'call.conference') {
        setCallChanges((n) => n + 1);
      } else if (event.type === 'agent.state' && data.agentId === agentId.current) {
        setExtended(0);
        void loadState();
      } else if (event.type.startsWith('interaction.') && data.interactionId !== undefined && (data.agentId === agentId.current || data.interactionId === interaction?.id)) {
        void showInteraction(data.interactionId);
        if (event.type === 'interaction.ended') loadRecent();
      }
    },
  });

  async function act(body: Record<string, unknown>) {
    setBusy(true);
    try {
      setView(await api<AgentView>('POST', '/agents/me/state', body));
      if (body.action === 'extend_wrap_up') setExtended((seconds) => seconds + Number(body.seconds));
    } catch (failure) {
      void message.error(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    } finally {
      setBusy(false);
    }
  }

  if (error !== undefined) return <Alert type="warning" title={error} />;
  if (view === undefined) return null;
  const wrapUpEndsAt = view.state === 'wrap_up' && wrapUpSeconds !== undefined ? view.since + (wrapUpSeconds + extended) * 1000 : undefined;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {!connected && <Alert type="info" title={t('events.reconnecting')} />}
      <StateBar view={view} wrapUpEndsAt={wrapUpEndsAt} act={act} busy={busy} help={{ waiting: helpWaiting, onAsked: () => setHelpWaiting(true) }} />
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <CurrentCall
            interaction={interaction}
            agentId={view.agent}
            customer={customer}
            ownExtension={phone.account?.extension}
            canTransfer={view.state === 'busy'}
            live={live}
            ringing={directRing === undefined ? undefined : { number: directRing, customer: ringCustomer }}
          />
        </Col>
        <Col xs={24} lg={8}>
          <Softphone phone={phone} sipCallId={sipCallId} live={live} />
        </Col>
      </Row>
      {view.state === 'wrap_up' && interaction !== undefined && interaction.answeredAt !== null && <WrapUpForm key={interaction.id} interactionId={interaction.id} />}
      <Customers caller={directRing ?? interaction?.caller} onSaved={() => void (interaction === undefined ? undefined : showInteraction(interaction.id))} />
      <RecentInteractions items={recent} agentId={view.agent} />
    </Space>
  );
}
