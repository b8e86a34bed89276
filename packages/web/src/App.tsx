import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
// The ES modules: the CommonJS `antd/locale/*` came through the bundler wrapped (`{ default }`),
// so Ant Design found no texts in it and fell back to English ("No data", "Preview"). English
// comes with the English texts (i18n/en-bundle.ts), loaded when chosen.
import zhCN from 'antd/es/locale/zh_CN';
import { antdEnglishLocale } from './i18n/index.ts';
import { useTranslation } from 'react-i18next';
import { AuthProvider, useAuth } from './api/auth.tsx';
import { ApiError } from './api/client.ts';
import { AppLayout } from './components/AppLayout.tsx';
import { getToken } from './api/client.ts';
// Shared with the build's first-screen styles (scripts/first-screen-css.mjs): the same theme gives the same style keys.
import theme from './theme.json';
import type { Role } from './api/types.ts';
import { plazaEventsQuery, plazaFilters } from './features/plaza/plaza-query.ts';

// Every page is a chunk of its own, with the Ant Design components it uses; big libraries (ECharts
// for maps, React Flow for process diagrams) come only with the pages, or components, that use them.
const pages = {
  login: () => import('./features/login/LoginPage.tsx'),
  plaza: () => import('./features/plaza/PlazaPage.tsx'),
  eventDetail: () => import('./features/events/EventDetailPage.tsx'),
  report: () => import('./features/report/ReportPage.tsx'),
  admin: () => import('./features/admin/AdminPage.tsx'),
  duty: () => import('./features/duty/DutyRosterPage.tsx'),
  smsInbox: () => import('./features/notifications/SmsInboxPage.tsx'),
  templates: () => import('./features/notifications/TemplatesPage.tsx'),
  processList: () => import('./features/processes/ProcessListPage.tsx'),
  processEditor: () => import('./features/processes/ProcessEditorPage.tsx'),
  calendar: () => import('./features/calendar/CalendarPage.tsx'),
  tasks: () => import('./features/tasks/TaskInboxPage.tsx'),
};

type PageKey = keyof typeof pages;
type PageModule<K extends PageKey> = Awaited<ReturnType<(typeof pages)[K]>>;

// Modules of pages that have arrived. React.lazy suspends on a page whose import() is pending —
// and on a fresh import() promise even of a module that has long arrived, rendering the fallback
// first and the page in a second pass. For an arrived module it gets a thenable that answers at
// once, and renders the page in the first pass (the opening page arrives while the session is
// checked).
const arrived = new Map<PageKey, unknown>();
function loadPage<K extends PageKey>(key: K): Promise<PageModule<K>> {
  return pages[key]().then((m) => {
    arrived.set(key, m);
    return m as PageModule<K>;
  });
}
function lazyPage<K extends PageKey>(key: K, pick: (m: PageModule<K>) => ComponentType) {
  return lazy(() => {
    if (arrived.has(key)) {
      const module = { default: pick(arrived.get(key) as PageModule<K>) };
      return { then: (resolve: (m: typeof module) => void) => resolve(module) } as Promise<typeof module>;
    }
    return loadPage(key).then((m) => ({ default: pick(m) }));
  });
}

const LoginPage = lazyPage('login', (m) => m.LoginPage);
const PlazaPage = lazyPage('plaza', (m) => m.default);
const EventDetailPage = lazyPage('eventDetail', (m) => m.default);
const ReportPage = lazyPage('report', (m) => m.default);
const AdminPage = lazyPage('admin', (m) => m.default);
const DutyRosterPage = lazyPage('duty', (m) => m.default);
const SmsInboxPage = lazyPage('smsInbox', (m) => m.default);
const TemplatesPage = lazyPage('templates', (m) => m.default);
const ProcessListPage = lazyPage('processList', (m) => m.default);
const ProcessEditorPage = lazyPage('processEditor', (m) => m.default);
const CalendarPage = lazyPage('calendar', (m) => m.default);
const TaskInboxPage = lazyPage('tasks', (m) => m.default);

/** The page the app opens at, by its address (before any redirect), or null. */
function firstPage(pathname: string, signedIn: boolean): keyof typeof pages | null {
  if (!signedIn || pathname.startsWith('/login')) return 'login';
  if (pathname === '/' || pathname.startsWith('/plaza')) return 'plaza';
  const prefixes: Array<[string, keyof typeof pages]> = [
    ['/tasks', 'tasks'],
    ['/events/', 'eventDetail'],
    ['/report', 'report'],
    ['/duty', 'duty'],
    ['/notify/sms', 'smsInbox'],
    ['/notify/templates', 'templates'],
    ['/processes/', 'processEditor'],
    ['/processes', 'processList'],
    ['/calendar', 'calendar'],
    ['/admin', 'admin'],
  ];
  return prefixes.find(([prefix]) => pathname.startsWith(prefix))?.[1] ?? null;
}

// The first page's chunk is fetched now, beside the session check (GET /me), not after it: the
// routes render a page only once the session is known, and a lazy page starts loading only when
// it renders.
const opening = firstPage(window.location.pathname, !!getToken());
if (opening) void loadPage(opening).catch(() => {});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Auth and "not found" answers will not change by retrying.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Opening at the plaza, its first page of events goes into the cache as soon as it arrives (it was
// requested by index.html's early script), so that the plaza shows its rows in its first render.
if (opening === 'plaza') void queryClient.prefetchInfiniteQuery(plazaEventsQuery(plazaFilters(new URLSearchParams(window.location.search))));

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
    <ConfigProvider locale={i18n.language === 'en' ? (antdEnglishLocale() ?? zhCN) : zhCN} theme={theme}>
      {/* Toasts open below the 56 px header: an urgent one stays until closed and must not cover the bell. */}
      <AntApp notification={{ top: 64 }}>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <BrowserRouter>
              <Routes>
                <Route
                  path="/login"
                  element={
                    <Suspense fallback={pageFallback}>
                      <LoginPage />
                    </Suspense>
                  }
                />
                <Route
                  element={
                    <RequireAuth>
                      <AppLayout />
                    </RequireAuth>
                  }
                >
                  <Route index element={<Navigate to="/plaza" replace />} />
                  <Route
                    path="/plaza"
                    element={
                      <Suspense fallback={pageFallback}>
                        <PlazaPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/tasks"
                    element={
                      <Suspense fallback={pageFallback}>
                        <TaskInboxPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/events/:id"
                    element={
                      <Suspense fallback={pageFallback}>
                        <EventDetailPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/report"
                    element={
                      <Suspense fallback={pageFallback}>
                        <ReportPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/duty"
                    element={
                      <Suspense fallback={pageFallback}>
                        <DutyRosterPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/notify/sms"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}>
                          <SmsInboxPage />
                        </Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route
                    path="/notify/templates"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}>
                          <TemplatesPage />
                        </Suspense>
                      </RequireAuth>
                    }
                  />
                  {/* Configuration center: the center's staff read it, administrators change it. */}
                  <Route
                    path="/processes"
                    element={
                      <RequireAuth roles={['admin', 'leader', 'duty_officer', 'dispatcher']}>
                        <Suspense fallback={pageFallback}>
                          <ProcessListPage />
                        </Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route
                    path="/processes/:key"
                    element={
                      <RequireAuth roles={['admin', 'leader', 'duty_officer', 'dispatcher']}>
                        <Suspense fallback={pageFallback}>
                          <ProcessEditorPage />
                        </Suspense>
                      </RequireAuth>
                    }
                  />
                  <Route
                    path="/calendar"
                    element={
                      <Suspense fallback={pageFallback}>
                        <CalendarPage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/admin/*"
                    element={
                      <RequireAuth roles={['admin']}>
                        <Suspense fallback={pageFallback}>
                          <AdminPage />
                        </Suspense>
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
