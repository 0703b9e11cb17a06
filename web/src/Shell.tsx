/** The frame around every page once logged in: a menu of what the user's roles open, and a header. */
import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { adminResources } from './admin/resources.js';
import { api, isAdmin, isSupervisor, type Me } from './api.js';
import { LanguageSwitch, useI18n } from './i18n.js';

export function Shell({ me, onLoggedOut, children }: { me: Me; onLoggedOut: () => void; children: ReactNode }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const items = [
    ...(me.roles.includes('agent') ? [{ key: '/desktop', label: t('menu.desktop') }] : []),
    ...(isSupervisor(me) ? [{ key: '/wallboard', label: t('menu.wallboard') }] : []),
    ...(isAdmin(me)
      ? [{ key: 'admin', label: t('menu.admin'), type: 'group' as const, children: adminResources.filter((r) => r.platformOnly !== true || me.roles.includes('platform_admin')).map((r) => ({ key: `/admin/${r.key}`, label: t(r.title) })) }]
      : []),
  ];

  async function logout() {
    await api('POST', '/auth/logout');
    onLoggedOut();
    navigate('/', { replace: true });
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: '16px 24px', fontWeight: 600, fontSize: 18 }}>{t('app.title')}</div>
        <Menu mode="inline" selectedKeys={[pathname]} items={items} onClick={({ key }) => navigate(key)} />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', paddingInline: 24 }}>
          <Space size="middle">
            <Typography.Text type="secondary">{lang === 'en' && me.tenant.nameEn ? me.tenant.nameEn : me.tenant.name}</Typography.Text>
            <Typography.Text data-testid="who">{me.name}</Typography.Text>
            <LanguageSwitch />
            <Button onClick={logout}>{t('menu.logout')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
