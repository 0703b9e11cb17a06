/** The supervisor's buttons on one row of the wallboard's agent grid. */
import { Button, Dropdown, Space, Tag } from 'antd';
import { api } from '../api.js';
import type { Reasons } from '../desktop/use-reasons.js';
import { useI18n } from '../i18n.js';
import { attempt } from '../attempt.js';
import type { MonitorMode, useSupervision } from './supervision.js';

export interface AgentActionsProps {
  agent: { id: string; extension: string };
  /** The agent's state now, when known. */
  state: string | undefined;
  supervision: ReturnType<typeof useSupervision>;
  onEditSkills: () => void;
  /** The tenant's not-ready reasons, read once by the wallboard. */
  reasons: Reasons;
}

const modes: MonitorMode[] = ['listen', 'whisper', 'barge'];

export function AgentActions({ agent, state, supervision, onEditSkills, reasons }: AgentActionsProps) {
  const { t } = useI18n();
  const watched = supervision.monitoring[agent.extension];
  const onCall = state === 'busy';
  const force = (body: Record<string, unknown>) => void attempt(() => api('POST', `/agents/${agent.id}/state`, body));
  const more = [
    {
      key: 'not_ready',
      label: t('sup.forceNotReady'),
      disabled: state === 'logged_out' || state === undefined,
      children: reasons.choices.map((reason) => ({ key: `not_ready:${reason.code}`, label: reason.label })),
    },
    { key: 'logout', label: t('sup.forceLogout'), disabled: state === 'logged_out' || state === undefined, danger: true },
    { key: 'release', label: t('sup.release'), disabled: !onCall, danger: true },
    { key: 'skills', label: t('sup.editSkills') },
  ];
  return (
    <Space size="small" wrap data-testid="agent-actions">
      {modes.map((mode) => (
        <Button key={mode} size="small" data-testid={`monitor-${mode}`} type={watched?.mode === mode ? 'primary' : 'default'} disabled={!onCall && watched === undefined} onClick={() => void supervision.monitor(agent.extension, mode)}>
          {t(`sup.${mode}`)}
        </Button>
      ))}
      {watched !== undefined && (
        <>
          <Tag color="blue" data-testid="monitoring" data-mode={watched.mode}>
            {t('sup.monitoring')}
          </Tag>
          <Button size="small" data-testid="monitor-stop" onClick={() => void supervision.stop(agent.extension)}>
            {t('sup.stopMonitor')}
          </Button>
        </>
      )}
      <Dropdown
        trigger={['click']}
        menu={{
          items: more,
          // A submenu that opens on click stays open while the pointer crosses to it.
          triggerSubMenuAction: 'click',
          onClick: ({ key }) => {
            if (key === 'logout') force({ action: 'logout' });
            else if (key === 'release') void supervision.release(agent.extension);
            else if (key === 'skills') onEditSkills();
            else force({ action: 'not_ready', reason: key.slice('not_ready:'.length) });
          },
        }}
      >
        <Button size="small" data-testid="more-actions">
          ⋯
        </Button>
      </Dropdown>
    </Space>
  );
}
