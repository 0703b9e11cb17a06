/** The agent's state and the buttons that change it: log in, ready, not ready with a reason, wrap-up, log out. */
import { Button, Card, Dropdown, Space, Statistic, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { HelpButton, type HelpButtonProps } from '../help/HelpButton.js';
import { useI18n } from '../i18n.js';
import type { AgentView } from './model.js';
import { useNotReadyReasons } from './use-reasons.js';

export const stateColours: Record<string, string> = {
  logged_out: 'default',
  ready: 'green',
  not_ready: 'orange',
  reserved: 'gold',
  busy: 'red',
  wrap_up: 'purple',
};

/** Seconds since `since`, ticking every second. */
export function useElapsed(since: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.floor((now - since) / 1000));
}

export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

export interface StateBarProps {
  view: AgentView;
  /** Epoch ms when wrap-up ends by itself, when the agent is in wrap-up. */
  wrapUpEndsAt: number | undefined;
  act: (body: Record<string, unknown>) => void;
  busy: boolean;
  help: HelpButtonProps;
}

export function StateBar({ view, wrapUpEndsAt, act, busy, help }: StateBarProps) {
  const { t } = useI18n();
  const elapsed = useElapsed(view.since);
  const notReady = useNotReadyReasons();
  const reason = view.reason === null ? '' : ` · ${notReady.label(view.reason)}`;
  const reasons = notReady.choices.map((choice) => ({ key: choice.code, label: choice.label }));
  return (
    <Card size="small">
      <Space size="large" wrap>
        <Tag color={stateColours[view.state]} data-testid="agent-state" data-state={view.state} style={{ fontSize: 16, padding: '4px 12px' }}>
          {t(`state.${view.state}`)}
          {reason}
        </Tag>
        <span>
          {t('desktop.inState')} {clock(elapsed)}
        </span>
        {view.state === 'wrap_up' && wrapUpEndsAt !== undefined && (
          <span data-testid="wrap-up-left">
            <Statistic.Timer type="countdown" title={t('desktop.wrapUpLeft')} value={wrapUpEndsAt} format="mm:ss" />
          </span>
        )}
        <Space wrap>
          {view.state === 'logged_out' ? (
            <>
              <Button type="primary" loading={busy} onClick={() => act({ action: 'login' })}>
                {t('action.login')}
              </Button>
              <Button data-testid="login-remote" loading={busy} onClick={() => act({ action: 'login', endpoint: 'remote' })}>
                {t('action.loginRemote')}
              </Button>
            </>
          ) : (
            <>
              <Button type="primary" data-testid="go-ready" disabled={view.state === 'ready' || view.state === 'busy' || view.state === 'reserved'} loading={busy} onClick={() => act({ action: 'ready' })}>
                {t('action.ready')}
              </Button>
              <Dropdown trigger={['click']} menu={{ items: reasons, onClick: ({ key }) => act({ action: 'not_ready', reason: key }) }} disabled={busy}>
                <Button>{t('action.notReady')}</Button>
              </Dropdown>
              {view.state === 'wrap_up' && (
                <>
                  <Button onClick={() => act({ action: 'end_wrap_up' })}>{t('action.endWrapUp')}</Button>
                  <Button onClick={() => act({ action: 'extend_wrap_up', seconds: 30 })}>{t('action.extendWrapUp')}</Button>
                </>
              )}
              <HelpButton {...help} />
              <Button danger onClick={() => act({ action: 'logout' })}>
                {t('action.logout')}
              </Button>
            </>
          )}
        </Space>
      </Space>
    </Card>
  );
}
