/** The agent's "call supervisor" button: the request shows on every supervisor's wallboard (POST /agents/me/help). */
import { Button, message } from 'antd';
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

export function HelpButton() {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  async function ask() {
    setAsking(true);
    try {
      await api('POST', '/agents/me/help', {});
      void message.success(t('desktop.helpSent'));
    } finally {
      setAsking(false);
    }
  }
  return (
    <Button data-testid="call-supervisor" loading={asking} onClick={() => void ask()}>
      {t('desktop.callSupervisor')}
    </Button>
  );
}
