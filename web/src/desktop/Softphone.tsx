/**
 * The agent's phone on the desktop: the in-page softphone (use-softphone.ts) with its state,
 * answer and hang up (Alt+A, Alt+H from anywhere on the page), hold and resume (Kefu holds the
 * caller with music), mute, a keypad and outbound dialling. A desk phone registered for the same
 * extension rings too. After a reload mid-call it says it is waiting for the call to come back
 * (or that it did not); whether the caller is on hold is Kefu's word (use-live-call.ts).
 */
import { Alert, Button, Card, Descriptions, Input, Popover, Space, Tag, Typography, message } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { LiveCallView } from './use-live-call.js';
import type { CallState, Registration, Softphone as SoftphoneState } from './use-softphone.js';

export interface SoftphoneProps {
  /** The page's softphone, started by the desktop as soon as it opens. */
  phone: SoftphoneState;
  /** The SIP Call-ID of the caller connected to the agent now, if any: hold and keys act on it through Kefu. */
  sipCallId: string | null | undefined;
  /** That call as Kefu has it: on hold or not, consulting or in a conference (no hold then); none on the wallboard. */
  live?: LiveCallView;
}

const registrationColour: Record<Registration, string> = { connecting: 'default', registered: 'green', failed: 'red' };
const callColour: Record<CallState, string> = { idle: 'default', ringing: 'orange', calling: 'blue', talking: 'green' };
const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Softphone({ phone, sipCallId, live }: SoftphoneProps) {
  const { t } = useI18n();
  const [number, setNumber] = useState('');
  const held = live?.call?.held === true;
  const { answer, hangup } = phone;

  useEffect(() => {
    const shortcut = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.code === 'KeyA') answer();
      else if (event.code === 'KeyH') hangup();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', shortcut);
    return () => window.removeEventListener('keydown', shortcut);
  }, [answer, hangup]);

  async function control(action: 'hold' | 'resume') {
    if (sipCallId === null || sipCallId === undefined) return;
    try {
      await api('POST', `/calls/${encodeURIComponent(sipCallId)}/${action}`);
      await live?.refresh();
    } catch (failure) {
      void message.error(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    }
  }

  function press(digit: string) {
    // The caller hears keys Kefu sends (RFC 4733); a call the agent placed carries them in its own media.
    if (sipCallId !== null && sipCallId !== undefined) void api('POST', `/calls/${encodeURIComponent(sipCallId)}/dtmf`, { digits: digit }).catch(() => undefined);
    else phone.sendDigit(digit);
  }

  const talking = phone.call === 'talking';
  const keypad = (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 48px)', gap: 4 }} data-testid="softphone-keypad">
      {keys.map((key) => (
        <Button key={key} onClick={() => press(key)} data-testid={`key-${key}`}>
          {key}
        </Button>
      ))}
    </div>
  );
  return (
    <Card
      size="small"
      title={t('softphone.title')}
      data-testid="softphone"
      data-call={phone.call}
      extra={<Tag color={registrationColour[phone.registration]} data-testid="softphone-registration" data-registration={phone.registration}>{t(`softphone.status.${phone.registration}`)}</Tag>}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {phone.recall !== 'none' && phone.call === 'idle' && (
          <Alert type={phone.recall === 'waiting' ? 'info' : 'warning'} showIcon title={t(`softphone.recall.${phone.recall}`)} data-testid="softphone-recall" data-recall={phone.recall} />
        )}
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('softphone.extension')}>{phone.account?.extension ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t(`softphone.state.${phone.call}`)}>
            <Tag color={callColour[phone.call]} data-testid="softphone-state">
              {phone.peer === undefined ? t(`softphone.state.${phone.call}`) : `${t('softphone.from')} ${phone.peer}`}
            </Tag>
          </Descriptions.Item>
        </Descriptions>
        <Space wrap>
          <Button type="primary" disabled={phone.call !== 'ringing'} onClick={phone.answer} title="Alt+A" data-testid="softphone-answer">
            {t('softphone.answer')}
          </Button>
          <Button danger disabled={phone.call === 'idle'} onClick={phone.hangup} title="Alt+H" data-testid="softphone-hangup">
            {t('softphone.hangup')}
          </Button>
          <Button
            disabled={!talking || sipCallId === null || sipCallId === undefined || (live?.call?.consulting ?? null) !== null || live?.call?.conference === true}
            onClick={() => void control(held ? 'resume' : 'hold')}
            data-testid="softphone-hold"
          >
            {t(held ? 'softphone.resume' : 'softphone.hold')}
          </Button>
          <Button disabled={!talking} onClick={() => phone.setMuted(!phone.muted)} data-testid="softphone-mute">
            {t(phone.muted ? 'softphone.unmute' : 'softphone.mute')}
          </Button>
          <Popover content={keypad} trigger="click">
            <Button disabled={!talking} data-testid="softphone-keypad-open">{t('softphone.keypad')}</Button>
          </Popover>
        </Space>
        <Space.Compact style={{ width: '100%' }}>
          <Input placeholder={t('softphone.number')} value={number} onChange={(e) => setNumber(e.target.value.replace(/[^0-9*#+]/g, ''))} onPressEnter={() => phone.dial(number)} data-testid="softphone-number" />
          <Button type="primary" disabled={phone.call !== 'idle' || phone.registration !== 'registered' || number === ''} onClick={() => phone.dial(number)} data-testid="softphone-dial">
            {t('softphone.dial')}
          </Button>
        </Space.Compact>
        <Typography.Text type="secondary">{t('softphone.shortcuts')}</Typography.Text>
        <Typography.Text type="secondary">{t('softphone.deskPhoneToo')}</Typography.Text>
      </Space>
    </Card>
  );
}
