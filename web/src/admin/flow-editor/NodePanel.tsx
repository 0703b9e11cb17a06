/**
 * The side panel of the selected node: each of its fields by kind (text, number, switch; lists
 * and objects as JSON), the problems the server pinned to it, and making it the start or deleting it.
 */
import { Alert, Button, Form, Input, InputNumber, Popconfirm, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n.js';
import type { FlowNodeData } from './graph.js';

export interface NodePanelProps {
  id: string;
  node: FlowNodeData;
  start: boolean;
  problems: string[];
  onChange: (node: FlowNodeData) => void;
  onStart: () => void;
  onRemove: () => void;
}

/** A list or object field typed as JSON: kept as text while it does not parse. */
function JsonField({ id, value, onChange }: { id: string; value: unknown; onChange: (value: unknown) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(JSON.stringify(value, null, 1));
  const [bad, setBad] = useState(false);
  useEffect(() => setText(JSON.stringify(value, null, 1)), [value]);
  return (
    <Form.Item label={id} validateStatus={bad ? 'error' : undefined} help={bad ? t('fe.badJson') : undefined}>
      <Input.TextArea
        id={`field-${id}`}
        rows={3}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          try {
            onChange(JSON.parse(event.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
    </Form.Item>
  );
}

export function NodePanel({ id, node, start, problems, onChange, onStart, onRemove }: NodePanelProps) {
  const { t } = useI18n();
  const { type, exits: _exits, ...fields } = node;
  const set = (name: string, value: unknown) => onChange({ ...node, [name]: value });
  return (
    <div data-testid="node-panel">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {id} · {type}
      </Typography.Title>
      {problems.map((problem) => (
        <Alert key={problem} type="error" title={problem} style={{ marginBottom: 8 }} />
      ))}
      <Form layout="vertical" size="small">
        {Object.entries(fields).map(([name, value]) => {
          if (typeof value === 'string') {
            return (
              <Form.Item key={name} label={name}>
                <Input.TextArea id={`field-${name}`} autoSize value={value} onChange={(event) => set(name, event.target.value)} />
              </Form.Item>
            );
          }
          if (typeof value === 'number') {
            return (
              <Form.Item key={name} label={name}>
                <InputNumber id={`field-${name}`} style={{ width: '100%' }} value={value} onChange={(next) => set(name, next ?? 0)} />
              </Form.Item>
            );
          }
          if (typeof value === 'boolean') {
            return (
              <Form.Item key={name} label={name}>
                <Switch id={`field-${name}`} checked={value} onChange={(next) => set(name, next)} />
              </Form.Item>
            );
          }
          return <JsonField key={name} id={name} value={value} onChange={(next) => set(name, next)} />;
        })}
      </Form>
      <Space>
        <Button disabled={start} onClick={onStart}>
          {t('fe.setStart')}
        </Button>
        <Popconfirm title={t('fe.removeNode')} onConfirm={onRemove}>
          <Button danger data-testid="remove-node">
            {t('fe.removeNode')}
          </Button>
        </Popconfirm>
      </Space>
    </div>
  );
}
