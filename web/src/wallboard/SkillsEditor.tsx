/** A supervisor changes an agent's skills and levels (PUT /agents/:id/skills); routing uses them for the next match. */
import { Button, Form, Input, InputNumber, Modal, Space, message } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

interface SkillRow {
  name: string;
  level: number;
}

export interface SkillsEditorProps {
  /** The agent being edited; undefined: closed. */
  agent: { id: string; displayName: string; skills: Record<string, number> } | undefined;
  onClose: (saved: boolean) => void;
}

export function SkillsEditor({ agent, onClose }: SkillsEditorProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ skills: SkillRow[] }>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (agent !== undefined) form.setFieldsValue({ skills: Object.entries(agent.skills).map(([name, level]) => ({ name, level })) });
  }, [agent, form]);

  async function save() {
    if (agent === undefined) return;
    const rows = (form.getFieldValue('skills') as SkillRow[] | undefined) ?? [];
    setSaving(true);
    try {
      await api('PUT', `/agents/${agent.id}/skills`, { skills: Object.fromEntries(rows.map((row) => [row.name ?? '', row.level])) });
      void message.success(t('sup.saved'));
      onClose(true);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      // The API names the skill at fault (`skills.<name>`): its row shows the problem.
      form.setFields(
        rows.flatMap((row, index) => {
          const problem = failure.details.find((detail) => detail.path === `skills.${row.name}` || detail.path === 'skills');
          return problem === undefined ? [] : [{ name: ['skills', index, problem.path === 'skills' ? 'name' : 'level'], errors: [problem.message] }];
        }),
      );
      if (failure.details.length === 0) void message.error(failure.message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open={agent !== undefined} title={`${t('sup.editSkills')} · ${agent?.displayName ?? ''}`} onCancel={() => onClose(false)} onOk={() => void save()} confirmLoading={saving} okText={t('sup.save')} destroyOnHidden>
      <Form form={form} name="skills">
        <Form.List name="skills">
          {(rows, { add, remove }) => (
            <>
              {rows.map((row) => (
                <Space key={row.key} align="baseline">
                  <Form.Item name={[row.name, 'name']} label={t('sup.skill')}>
                    <Input style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[row.name, 'level']} label={t('sup.level')}>
                    <InputNumber style={{ width: 80 }} />
                  </Form.Item>
                  <Button size="small" onClick={() => remove(row.name)}>
                    ✕
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ name: '', level: 5 })}>{t('sup.addSkill')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
