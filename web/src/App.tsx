/**
 * The app's frame: who is logged in (GET /auth/me), the login page otherwise, and the pages each
 * role may open — the agent desktop, the supervisor wallboard and the admin console.
 */
import { Spin } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { api, isAdmin, isSupervisor, type Me } from './api.js';
import { AdminPage } from './admin/AdminPage.js';
import { AgentDesktop } from './desktop/AgentDesktop.js';
import { Shell } from './Shell.js';
import { LoginPage } from './LoginPage.js';
import { Wallboard } from './wallboard/Wallboard.js';

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const reload = useCallback(() => {
    api<Me>('GET', '/auth/me').then(setMe, () => setMe(null));
  }, []);
  useEffect(reload, [reload]);

  if (me === undefined) return <Spin fullscreen />;
  if (me === null) {
    return (
      <Routes>
        <Route path="*" element={<LoginPage onLoggedIn={reload} />} />
      </Routes>
    );
  }
  const home = me.roles.includes('agent') ? '/desktop' : isSupervisor(me) ? '/wallboard' : '/admin/queues';
  return (
    <Shell me={me} onLoggedOut={() => setMe(null)}>
      <Routes>
        <Route path="/desktop" element={<AgentDesktop />} />
        {isSupervisor(me) && <Route path="/wallboard" element={<Wallboard hasPhone={me.extension !== null} />} />}
        {isAdmin(me) && <Route path="/admin/:resource" element={<AdminPage />} />}
        <Route path="*" element={<Navigate to={home} replace />} />
      </Routes>
    </Shell>
  );
}
