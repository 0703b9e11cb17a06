/** One resource of the console: a table of its items and a form to create or change one. */
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tag, message } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { validated } from '../validated.js';
import { fromForm, getPath, JsonFieldError, showProblems, toForm } from './form-values.js';
import type { Field, Resource } from './resources.js';

type Row = Record<string, unknown> & { id: string; version: number };

function render(value: unknown) {
  if (Array.isArray(value)) return value.map((item) => <Tag key={String(item)}>{String(item)}</Tag>);
  if (typeof value === 'boolean') return value ? '✓' : '';
  if (value !== null && typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  return value === undefined || value === null ? '' : String(value);
}

/** The input of one field; Form.Item hands it value, onChange and id, passed on to the control. */
function FieldInput({ field, ...control }: { field: Field } & Record<string, unknown>) {
  switch (field.kind) {
    case 'password':
      return <Input.Password autoComplete="new-password" {...control} />;
    case 'number':
      return <InputNumber style={{ width: '100%' }} {...control} />;
    case 'select':
      return <Select options={field.options?.map((value) => ({ value, label: value }))} allowClear={!field.required} {...control} />;
    case 'multi':
      return <Select mode="multiple" options={field.options?.map((value) => ({ value, label: value }))} {...control} />;
    case 'tags':
      return <Select mode="tags" open={false} {...control} />;
    case 'json':
      return <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} {...control} />;
    case 'switch':
      return <Switch {...control} />;
    default:
      return <Input {...control} />;
  }
}

export function ResourcePage({ resource }: { resource: Resource }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [page, setPage] = useState<Page<Row>>();
  const [editing, setEditing] = useState<Row | 'new'>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  const load = useCallback(() => {
    api<Page<Row>>('GET', `${resource.path}?limit=200`).then(setPage, (failure: unknown) => setProblem(String(failure)));
  }, [resource.path]);
  useEffect(load, [load]);

  function open(row: Row | 'new') {
    setProblem(undefined);
    form.resetFields();
    form.setFieldsValue(toForm(resource.fields, row === 'new' ? (resource.defaults ?? {}) : row));
    setEditing(row);
  }

  const itemPath = (row: Row) => `${resource.path}/${encodeURIComponent(String(row[resource.idField]))}`;

  async function save() {
    const values = await validated(form);
    if (values === undefined) return;
    const creating = editing === 'new';
    setSaving(true);
    setProblem(undefined);
    try {
      const body = fromForm(resource.fields, values as Record<string, unknown>, creating);
      if (creating) await api('POST', resource.path, body);
      else if (resource.update === 'put-settings') await api('PUT', itemPath(editing!), { version: editing!.version, settings: body.settings ?? {} });
      else await api('PATCH', itemPath(editing!), { ...body, version: editing!.version });
      setEditing(undefined);
      void message.success(t('admin.saved'));
      load();
    } catch (failure) {
      if (failure instanceof JsonFieldError) form.setFields([{ name: failure.field.name, errors: [t('admin.badJson')] }]);
      else if (failure instanceof ApiError) {
        const rest = showProblems(form, resource.fields, failure.details);
        if (rest.length > 0 || failure.details.length === 0) setProblem(`${failure.code}: ${failure.message}`);
      } else setProblem(String(failure));
    } finally {
      setSaving(false);
    }
  }

  async function remove(row: Row) {
    try {
      await api('DELETE', itemPath(row));
      load();
    } catch (failure) {
      void message.error(failure instanceof ApiError ? `${failure.code}: ${failure.message}` : String(failure));
    }
  }

  return (
    <Card
      title={t(resource.title)}
      extra={
        <Button type="primary" onClick={() => open('new')} data-testid="create">
          {t('admin.create')}
        </Button>
      }
    >
      {problem !== undefined && editing === undefined && <Alert type="error" title={problem} style={{ marginBottom: 16 }} />}
      <Table<Row>
        size="small"
        rowKey="id"
        loading={page === undefined}
        dataSource={page?.items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          ...resource.columns.map((column) => ({ key: column.path.join('.'), title: t(column.label), render: (_: unknown, row: Row) => render(getPath(row, column.path)) })),
          {
            key: 'actions',
            title: '',
            render: (_: unknown, row: Row) => (
              <Space>
                <Button size="small" onClick={() => open(row)}>
                  {t('admin.edit')}
                </Button>
                <Popconfirm title={t('admin.confirmDelete')} onConfirm={() => remove(row)}>
                  <Button size="small" danger>
                    {t('admin.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== undefined}
        title={`${t(editing === 'new' ? 'admin.create' : 'admin.edit')} · ${t(resource.title)}`}
        onOk={save}
        okText={t('admin.save')}
        confirmLoading={saving}
        onCancel={() => setEditing(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" name={resource.key}>
          {resource.fields.map((field) => (
            <Form.Item
              key={field.name.join('.')}
              name={field.name}
              label={t(field.label)}
              rules={field.required ? [{ required: true }] : []}
              valuePropName={field.kind === 'switch' ? 'checked' : 'value'}
              hidden={field.createOnly === true && editing !== 'new'}
            >
              <FieldInput field={field} />
            </Form.Item>
          ))}
        </Form>
        {problem !== undefined && <Alert type="error" title={problem} />}
      </Modal>
    </Card>
  );
}
