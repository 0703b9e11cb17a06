/**
 * Where the agent's phone lives on the desktop. Today the agent's calls ring a SIP desk phone
 * registered as the agent's extension; the in-page WebRTC softphone takes this panel's place
 * (same props: the agent's extension and the call the desktop shows).
 */
import { Card, Descriptions } from 'antd';
import { useI18n } from '../i18n.js';

export interface SoftphoneProps {
  extension: string | undefined;
  /** The SIP Call-ID of the caller connected to the agent now, if any. */
  sipCallId: string | null | undefined;
}

export function Softphone({ extension }: SoftphoneProps) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('softphone.title')} data-testid="softphone">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('softphone.phone')}>{t('softphone.deskPhone')}</Descriptions.Item>
        <Descriptions.Item label={t('softphone.extension')}>{extension ?? '—'}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
