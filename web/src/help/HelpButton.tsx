/**
 * The agent's "call supervisor" button: the request shows on every supervisor's wallboard (POST
 * /agents/me/help). Until a supervisor takes it up (`agent.help_answered`, which the desktop
 * follows) the button says the agent is waiting.
 */
import { Button, message } from 'antd';
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

export interface HelpButtonProps {
  /** A request of this agent's is open: no supervisor has taken it up yet. */
  waiting: boolean;
  onAsked: () => void;
}

export function HelpButton({ waiting, onAsked }: HelpButtonProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  async function ask() {
    setAsking(true);
    try {
      await api('POST', '/agents/me/help', {});
      onAsked();
      void message.success(t('desktop.helpSent'));
    } finally {
      setAsking(false);
    }
  }
  return (
    <Button data-testid="call-supervisor" data-waiting={waiting} loading={asking} disabled={waiting} onClick={() => void ask()}>
      {waiting ? t('desktop.helpWaiting') : t('desktop.callSupervisor')}
    </Button>
  );
}
