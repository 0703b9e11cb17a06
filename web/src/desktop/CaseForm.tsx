/**
 * 新建工单 on the desk (FEATURES G2): during the call and in its wrap-up, the agent opens a case
 * for the caller (POST /cases with the interaction, which gives the case the call, the calling
 * number and the customer). The form shows whom it is for; on save the case's number is shown.
 */
import { Button, Checkbox, Descriptions, Form, Input, Modal, Select, message } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import { validated } from '../validated.js';
import { caseTypes, type Case, type Customer, type Interaction } from './model.js';

interface CaseValues {
  type: Case['type'];
  subject: string;
  description?: string;
  urgent?: boolean;
}

export interface CaseFormProps {
  interaction: Interaction;
  customer: Customer | null | undefined;
  onOpened: (opened: Case) => void;
}

export function CaseForm({ interaction, customer, onOpened }: CaseFormProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<CaseValues>();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);

  async function save() {
    const values = await validated(form);
    if (values === undefined) return;
    setSaving(true);
    try {
      const body = {
        type: values.type,
        subject: values.subject,
        description: values.description ?? '',
        priority: values.urgent === true ? 'urgent' : 'normal',
        interactionId: interaction.id,
        ...(customer ? { customerId: customer.id } : {}),
      };
      const opened = await api<Case>('POST', '/cases', body);
      setOpen(false);
      void message.success({ content: <span data-testid="case-opened" data-number={opened.number}>{`${t('case.opened')} ${opened.number}`}</span>, duration: 8 });
      onOpened(opened);
    } catch (failure) {
      if (failure instanceof ApiError && failure.details.length > 0) {
        form.setFields(failure.details.map((problem) => ({ name: problem.path.split('.')[0] as keyof CaseValues, errors: [problem.message] })));
      } else void message.error(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Button size="small" type="primary" data-testid="case-new" onClick={() => setOpen(true)}>
        {t('case.new')}
      </Button>
      <Modal open={open} title={t('case.new')} onOk={() => void save()} okText={t('case.save')} okButtonProps={{ 'data-testid': 'case-save' }} confirmLoading={saving} onCancel={() => setOpen(false)} destroyOnHidden>
        <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('call.caller')}>{interaction.caller ?? t('call.unknown')}</Descriptions.Item>
          <Descriptions.Item label={t('call.customer')}>
            <span data-testid="case-customer">{customer ? customer.name : t('call.newCustomer')}</span>
          </Descriptions.Item>
        </Descriptions>
        <Form form={form} layout="vertical" name="case" data-testid="case-form">
          <Form.Item name="type" label={t('case.type')} rules={[{ required: true, message: t('case.typeNeeded') }]}>
            <Select data-testid="case-type" options={caseTypes.map((type) => ({ value: type, label: t(`case.${type}`) }))} />
          </Form.Item>
          <Form.Item name="subject" label={t('case.subject')} rules={[{ required: true, whitespace: true, message: t('case.subjectNeeded') }]}>
            <Input maxLength={200} data-testid="case-subject" />
          </Form.Item>
          <Form.Item name="description" label={t('case.description')}>
            <Input.TextArea rows={4} maxLength={10_000} data-testid="case-description" />
          </Form.Item>
          <Form.Item name="urgent" valuePropName="checked">
            <Checkbox data-testid="case-urgent">{t('case.urgent')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
