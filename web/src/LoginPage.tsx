import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from './api.js';
import { LanguageSwitch, useI18n } from './i18n.js';

interface Credentials {
  tenant: string;
  username: string;
  password: string;
}

/** Tenant, user and password → POST /auth/login, which sets the session cookie. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(values: Credentials) {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/auth/login', values);
      localStorage.setItem('kefu.tenant', values.tenant);
      navigate('/', { replace: true });
      onLoggedIn();
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? t('login.wrong') : failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card title={t('app.title')} extra={<LanguageSwitch />} style={{ width: 380 }}>
        <Form<Credentials> layout="vertical" onFinish={submit} initialValues={{ tenant: localStorage.getItem('kefu.tenant') ?? 'demo' }}>
          <Form.Item name="tenant" label={t('login.tenant')} rules={[{ required: true }]}>
            <Input autoComplete="organization" />
          </Form.Item>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error !== undefined && <Alert type="error" title={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
