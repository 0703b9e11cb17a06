/**
 * Customer search and edit on the desk (C6, I1): find a customer by name, company or number,
 * change their profile, or open one for a caller nobody knows yet (the number filled in). The
 * desk's customer card reads the change at once (`onSaved`).
 */
import { Button, Card, Form, Input, Modal, Space, Switch, Table, Tag, message } from 'antd';
import { useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { validated } from '../validated.js';

interface CustomerRow {
  id: string;
  name: string;
  company: string;
  phones: string[];
  vip: boolean;
  notes: string;
  version: number;
}

interface Editing {
  row: CustomerRow | undefined;
  values: { name: string; company: string; phones: string; vip: boolean; notes: string };
}

export interface CustomersProps {
  /** The number of the caller on the desk now, offered when opening a new customer. */
  caller: string | null | undefined;
  onSaved: () => void;
}

export function Customers({ caller, onSaved }: CustomersProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<Editing['values']>();
  const [found, setFound] = useState<CustomerRow[]>();
  const [editing, setEditing] = useState<Editing>();
  const [saving, setSaving] = useState(false);

  async function search(text: string) {
    const query = text.trim();
    if (query === '') return setFound(undefined);
    // Digits are a number to look up as callers are (any form of it); anything else is a name or company.
    const parameter = /^\+?[0-9]{3,}$/.test(query) ? `phone=${encodeURIComponent(query)}` : `q=${encodeURIComponent(query)}`;
    const page = await api<Page<CustomerRow>>('GET', `/customers?${parameter}&limit=20`);
    setFound(page.items);
  }

  function edit(row: CustomerRow | undefined) {
    const values = row === undefined
      ? { name: '', company: '', phones: caller ?? '', vip: false, notes: '' }
      : { name: row.name, company: row.company, phones: row.phones.join(', '), vip: row.vip, notes: row.notes };
    setEditing({ row, values });
  }

  async function save() {
    const values = await validated(form);
    if (values === undefined) return;
    const body = { name: values.name, company: values.company ?? '', phones: (values.phones ?? '').split(/[,，\s]+/).filter((p) => p !== ''), vip: values.vip ?? false, notes: values.notes ?? '' };
    setSaving(true);
    try {
      const row = editing?.row;
      const saved = row === undefined ? await api<CustomerRow>('POST', '/customers', body) : await api<CustomerRow>('PATCH', `/customers/${row.id}`, { ...body, version: row.version });
      setEditing(undefined);
      setFound((rows) => (rows === undefined ? [saved] : rows.some((r) => r.id === saved.id) ? rows.map((r) => (r.id === saved.id ? saved : r)) : [saved, ...rows]));
      void message.success(t('admin.saved'));
      onSaved();
    } catch (failure) {
      if (failure instanceof ApiError && failure.details.length > 0) {
        form.setFields(failure.details.map((problem) => ({ name: problem.path.split('.')[0] as keyof Editing['values'], errors: [problem.message] })));
      } else void message.error(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card
      size="small"
      title={t('customers.title')}
      extra={
        <Button data-testid="customer-new" onClick={() => edit(undefined)}>
          {t('customers.new')}
        </Button>
      }
    >
      <Input.Search data-testid="customer-search" placeholder={t('customers.search')} allowClear onSearch={(text) => void search(text).catch((failure: unknown) => void message.error(String(failure)))} style={{ maxWidth: 360, marginBottom: 12 }} />
      {found !== undefined && (
        <Table<CustomerRow>
          size="small"
          rowKey="id"
          dataSource={found}
          pagination={false}
          columns={[
            { title: t('call.customer'), dataIndex: 'name', render: (name: string, row) => (
              <Space>
                {name}
                {row.vip && <Tag color="red">VIP</Tag>}
              </Space>
            ) },
            { title: t('call.company'), dataIndex: 'company' },
            { title: t('customers.phones'), dataIndex: 'phones', render: (phones: string[]) => phones.join(', ') },
            { title: '', key: 'edit', render: (_: unknown, row) => <Button size="small" data-testid={`customer-edit-${row.name}`} onClick={() => edit(row)}>{t('admin.edit')}</Button> },
          ]}
        />
      )}
      <Modal open={editing !== undefined} title={t(editing?.row === undefined ? 'customers.new' : 'admin.edit')} onOk={() => void save()} okText={t('admin.save')} confirmLoading={saving} onCancel={() => setEditing(undefined)} destroyOnHidden>
        <Form form={form} layout="vertical" name="customer" initialValues={editing?.values}>
          <Form.Item name="name" label={t('call.customer')} rules={[{ required: true, whitespace: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="company" label={t('call.company')}>
            <Input />
          </Form.Item>
          <Form.Item name="phones" label={t('customers.phones')}>
            <Input />
          </Form.Item>
          <Form.Item name="vip" label="VIP" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="notes" label={t('call.notes')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
