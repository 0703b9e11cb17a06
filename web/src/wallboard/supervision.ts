/**
 * What the wallboard's supervisor does to agents, as hooks the page feeds with its events:
 * monitoring an agent's call from the supervisor's phone (the API rings that phone, which then
 * joins the call), forcing an agent's state, and the agents' open help requests.
 */
import { message } from 'antd';
import { useCallback, useState } from 'react';
import { api } from '../api.js';
import { attempt } from '../attempt.js';
import type { KefuEvent } from '../events.js';
import { useI18n } from '../i18n.js';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

interface LiveCall {
  sipCallId: string;
  /** The extension the caller is connected to now. */
  party: string | null;
}

export interface HelpRequest {
  helpId: string;
  agentId: string;
  extension: string;
  displayName: string;
  note: string | null;
  at: string;
}

export function useSupervision() {
  const { t } = useI18n();
  /** The phone the API rings to monitor; empty: the supervisor's own extension. */
  const [phone, setPhone] = useState('');
  /** Agent extension → the call this supervisor monitors and how. */
  const [monitoring, setMonitoring] = useState<Record<string, { sipCallId: string; mode: MonitorMode }>>({});

  const monitor = useCallback(
    async (extension: string, mode: MonitorMode) => {
      const sipCallId = monitoring[extension]?.sipCallId ?? (await api<{ items: LiveCall[] }>('GET', '/calls')).items.find((call) => call.party === extension)?.sipCallId;
      if (sipCallId === undefined) {
        void message.warning(t('sup.noCall'));
        return;
      }
      await attempt(async () => {
        const result = await api<{ rang: boolean }>('POST', `/calls/${encodeURIComponent(sipCallId)}/monitor`, { mode, ...(phone === '' ? {} : { phone }) });
        if (result.rang) void message.info(`${t('sup.ringing')} ${phone}`);
        setMonitoring((now) => ({ ...now, [extension]: { sipCallId, mode } }));
      });
    },
    [monitoring, phone, t],
  );

  const stop = useCallback(
    async (extension: string) => {
      const watched = monitoring[extension];
      if (watched !== undefined) await attempt(() => api('DELETE', `/calls/${encodeURIComponent(watched.sipCallId)}/monitor`));
    },
    [monitoring],
  );

  const release = useCallback(async (extension: string) => {
    const call = (await api<{ items: LiveCall[] }>('GET', '/calls')).items.find((live) => live.party === extension);
    if (call === undefined) void message.warning(t('sup.noCall'));
    else await attempt(() => api('POST', `/calls/${encodeURIComponent(call.sipCallId)}/release`));
  }, [t]);

  /** A monitoring that ended (hung up, stopped, or the call ended) leaves the grid. */
  const onEvent = useCallback((event: KefuEvent) => {
    if (event.type !== 'call.monitored' || event.data.mode !== null) return;
    setMonitoring((now) => Object.fromEntries(Object.entries(now).filter(([, watched]) => watched.sipCallId !== event.data.sipCallId)));
  }, []);

  return { phone, setPhone, monitoring, monitor, stop, release, onEvent };
}

export function useHelpRequests() {
  const [requests, setRequests] = useState<HelpRequest[]>([]);
  const load = useCallback(async () => setRequests((await api<{ items: HelpRequest[] }>('GET', '/agent-help')).items), []);
  const onEvent = useCallback((event: KefuEvent) => {
    if (event.type === 'agent.help') {
      const asked = { ...(event.data as unknown as Omit<HelpRequest, 'at'>), at: event.at };
      setRequests((now) => [...now.filter((request) => request.agentId !== asked.agentId), asked]);
    } else if (event.type === 'agent.help_answered') {
      setRequests((now) => now.filter((request) => request.helpId !== event.data.helpId));
    }
  }, []);
  const answer = useCallback((helpId: string) => attempt(() => api('POST', `/agent-help/${helpId}/answer`)), []);
  return { requests, load, onEvent, answer };
}
