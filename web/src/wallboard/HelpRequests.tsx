/** Agents' open help requests at the top of the wallboard, each with a button to take it up. */
import { Alert, Button, Space } from 'antd';
import { useI18n } from '../i18n.js';
import type { HelpRequest } from './supervision.js';

export function HelpRequests({ requests, onAnswer }: { requests: HelpRequest[]; onAnswer: (helpId: string) => Promise<boolean> }) {
  const { t } = useI18n();
  if (requests.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="help-requests">
      {requests.map((request) => (
        <Alert
          key={request.helpId}
          type="warning"
          showIcon
          data-testid={`help-${request.extension}`}
          title={`${t('sup.help')}: ${request.displayName} (${request.extension}) ${t('sup.helpFrom')}${request.note === null ? '' : ` — ${request.note}`} · ${new Date(request.at).toLocaleTimeString()}`}
          action={
            <Button size="small" type="primary" data-testid="answer-help" onClick={() => void onAnswer(request.helpId)}>
              {t('sup.answerHelp')}
            </Button>
          }
        />
      ))}
    </Space>
  );
}
