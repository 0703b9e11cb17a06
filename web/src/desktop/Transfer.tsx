/**
 * Transfer of the caller connected to the agent: to a colleague picked from the directory of
 * agents (their extension), back into a queue, to a department, or to any number typed in; blind,
 * or attended (the agent consults the target first, then completes or cancels). A caller the agent
 * put on hold is taken off hold first: Kefu transfers only a whole bridge. A colleague or number
 * may instead join the call as a third party (a conference). Whether the agent is consulting or in
 * a conference is Kefu's word (use-live-call.ts), so a page reloaded mid-call shows it as it is.
 */
import { Alert, Button, Input, Radio, Select, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import type { LiveCallView } from './use-live-call.js';

interface DirectoryAgent {
  id: string;
  displayName: string;
  extension: string;
  disabled: boolean;
}

/** What a directory entry transfers to: the body of POST /calls/:id/transfer without the mode. */
type Target = { to: string } | { queue: string } | { department: string };

interface Directory {
  agents: DirectoryAgent[];
  queues: string[];
  departments: { id: string; name: string }[];
}

/** The tenant's agents, queues and departments, read once when the transfer opens. */
function useDirectory(): Directory {
  const [directory, setDirectory] = useState<Directory>({ agents: [], queues: [], departments: [] });
  useEffect(() => {
    Promise.all([
      api<Page<DirectoryAgent>>('GET', '/agents?limit=200'),
      api<Page<{ name: string }>>('GET', '/queues?limit=200'),
      api<Page<{ id: string; name: string }>>('GET', '/departments?limit=200'),
    ]).then(
      ([agents, queues, departments]) => setDirectory({ agents: agents.items.filter((a) => !a.disabled), queues: queues.items.map((q) => q.name), departments: departments.items }),
      () => undefined,
    );
  }, []);
  return directory;
}

export interface TransferProps {
  sipCallId: string;
  ownExtension: string | undefined;
  /** The call as Kefu has it now: consulting, in a conference. */
  live: LiveCallView;
}

export function Transfer({ sipCallId, ownExtension, live: { call: live, refresh } }: TransferProps) {
  const { t } = useI18n();
  const directory = useDirectory();
  const [picked, setPicked] = useState<string>();
  const [number, setNumber] = useState('');
  const [mode, setMode] = useState<'blind' | 'attended'>('blind');
  const consulting = live?.consulting !== null && live?.consulting !== undefined;
  const [error, setError] = useState<string>();
  const path = `/calls/${encodeURIComponent(sipCallId)}/transfer`;

  const options = [
    {
      label: t('transfer.agents'),
      options: directory.agents.filter((a) => a.extension !== ownExtension).map((a) => ({ value: `agent:${a.extension}`, label: `${a.displayName} (${a.extension})` })),
    },
    { label: t('transfer.queues'), options: directory.queues.map((name) => ({ value: `queue:${name}`, label: name })) },
    { label: t('transfer.departments'), options: directory.departments.map((d) => ({ value: `department:${d.id}`, label: d.name })) },
  ];
  const target = (): Target | undefined => {
    if (number !== '') return { to: number };
    if (picked === undefined) return undefined;
    const [kind, value] = [picked.slice(0, picked.indexOf(':')), picked.slice(picked.indexOf(':') + 1)];
    return kind === 'agent' ? { to: value } : kind === 'queue' ? { queue: value } : { department: value };
  };
  const chosen = target();
  // A caller sent back into a queue simply waits there again: no consultation (the API refuses one).
  const blindOnly = chosen !== undefined && 'queue' in chosen;

  async function run(step: () => Promise<unknown>) {
    setError(undefined);
    try {
      await step();
    } catch (failure) {
      setError(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    }
    await refresh().catch(() => undefined);
  }

  return (
    <div style={{ marginTop: 16 }}>
      <Space wrap>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          allowClear
          placeholder={t('transfer.directory')}
          options={options}
          value={picked}
          onChange={(value: string | undefined) => (setPicked(value), setNumber(''))}
          style={{ width: 240 }}
          disabled={consulting}
          data-testid="transfer-directory"
        />
        <Input placeholder={t('transfer.to')} value={number} onChange={(e) => (setNumber(e.target.value.replace(/[^0-9*#+]/g, '')), setPicked(undefined))} style={{ width: 160 }} disabled={consulting} />
        <Radio.Group value={blindOnly ? 'blind' : mode} onChange={(e) => setMode(e.target.value as 'blind' | 'attended')} disabled={consulting || blindOnly}>
          <Radio.Button value="blind">{t('transfer.blind')}</Radio.Button>
          <Radio.Button value="attended">{t('transfer.attended')}</Radio.Button>
        </Radio.Group>
        {consulting ? (
          <>
            <Button type="primary" onClick={() => run(() => api('POST', `${path}/complete`))} data-testid="transfer-complete">
              {t('transfer.complete')}
            </Button>
            <Button onClick={() => run(() => api('POST', `${path}/cancel`))} data-testid="transfer-cancel">
              {t('transfer.cancel')}
            </Button>
          </>
        ) : (
          <Button
            type="primary"
            disabled={chosen === undefined}
            data-testid="transfer-go"
            onClick={() => {
              const how = blindOnly ? 'blind' : mode;
              void run(async () => {
                if ((await refresh())?.held === true) await api('POST', `/calls/${encodeURIComponent(sipCallId)}/resume`);
                await api('POST', path, { ...chosen, mode: how });
              });
            }}
          >
            {t('transfer.go')}
          </Button>
        )}
        {/* D2: a person (an agent or a number) joins the call; everyone hears everyone. */}
        <Button
          data-testid="conference-add"
          disabled={consulting || chosen === undefined || !('to' in chosen)}
          onClick={() => void run(async () => (await api('POST', `/calls/${encodeURIComponent(sipCallId)}/conference`, chosen), setPicked(undefined), setNumber('')))}
        >
          {t('transfer.conference')}
        </Button>
      </Space>
      {consulting && (
        <Tag color="orange" data-testid="call-mode" data-mode="consulting" style={{ marginTop: 8 }}>
          {t('transfer.consulting')} {live?.consulting}
        </Tag>
      )}
      {live?.conference === true && (
        <Tag color="purple" data-testid="call-mode" data-mode="conference" style={{ marginTop: 8 }}>
          {t('transfer.inConference')}
        </Tag>
      )}
      {error !== undefined && <Alert type="error" title={error} style={{ marginTop: 8 }} />}
    </div>
  );
}
