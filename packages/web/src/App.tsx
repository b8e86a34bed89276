import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { AuthProvider, useAuth } from './api/auth.tsx';
import { ApiError } from './api/client.ts';
import { AppLayout } from './components/AppLayout.tsx';
import { LoginPage } from './features/login/LoginPage.tsx';
import type { Role } from './api/types.ts';

const PlazaPage = lazy(() => import('./features/plaza/PlazaPage.tsx'));
const EventDetailPage = lazy(() => import('./features/events/EventDetailPage.tsx'));
const ReportPage = lazy(() => import('./features/report/ReportPage.tsx'));
const AdminPage = lazy(() => import('./features/admin/AdminPage.tsx'));
const DutyRosterPage = lazy(() => import('./features/duty/DutyRosterPage.tsx'));
const SmsInboxPage = lazy(() => import('./features/notifications/SmsInboxPage.tsx'));
const TemplatesPage = lazy(() => import('./features/notifications/TemplatesPage.tsx'));
const ProcessListPage = lazy(() => import('./features/processes/ProcessListPage.tsx'));
const ProcessEditorPage = lazy(() => import('./features/processes/ProcessEditorPage.tsx'));
const CalendarPage = lazy(() => import('./features/calendar/CalendarPage.tsx'));
const TaskInboxPage = lazy(() => import('./features/tasks/TaskInboxPage.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Auth and "not found" answers will not change by retrying.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function RequireAuth({ children, roles }: { children: ReactNode; roles?: Role[] }) {
  const { token, isLoading, hasRole } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (roles && !hasRole(...roles)) return <Navigate to="/plaza" replace />;
  return <>{children}</>;
}

const pageFallback = <Spin style={{ display: 'block', marginTop: 80 }} />;

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      {/* Toasts open below the 56 px header: an urgent one stays until closed and must not cover the bell. */}
      <AntApp notification={{ top: 64 }}>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <BrowserRouter>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route
                  element={
                    <RequireAuth>
                      <AppLayout />
                    </RequireAuth>
                  }
                >
                  <Route index element={<Navigate to="/plaza" replace />} />
                  <Route path="/plaza" element={<Suspense fallback={pageFallback}><PlazaPage /></Suspense>} />
                  <Route path="/tasks" element={<Suspense fallback={pageFallback}><TaskInboxPage /></Suspense>} />
                  <Route path="/events/:id" element={<Suspense fallback={pageFallback}><EventDetailPage /></Suspense>} />
                  <Route path="/report" element={<Suspense fallback={pageFallback}><ReportPage /></Suspense>} />
                  <Route path="/duty" element={<Suspense fallback={pageFallback}><DutyRosterPage /></Suspense>} />
                  <Route
                    path="/notify/sms"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}><SmsInboxPage /></Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route
                    path="/notify/templates"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}><TemplatesPage /></Suspense>
                      </RequireAuth>
                    }
                  />
                  {/* Configuration center: the center's staff read it, administrators change it. */}
                  <Route
                    path="/processes"
                    element={
                      <RequireAuth roles={['admin', 'leader', 'duty_officer', 'dispatcher']}>
                        <Suspense fallback={pageFallback}><ProcessListPage /></Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route
                    path="/processes/:key"
                    element={
                      <RequireAuth roles={['admin', 'leader', 'duty_officer', 'dispatcher']}>
                        <Suspense fallback={pageFallback}><ProcessEditorPage /></Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route path="/calendar" element={<Suspense fallback={pageFallback}><CalendarPage /></Suspense>} />
                  <Route
                    path="/admin/*"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}><AdminPage /></Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route path="*" element={<Navigate to="/plaza" replace />} />
                </Route>
              </Routes>
            </BrowserRouter>
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
