import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Avatar, Badge, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import {
  ApartmentOutlined,
  AppstoreOutlined,
  CheckSquareOutlined,
  ScheduleOutlined,
  CalendarOutlined,
  MessageOutlined,
  FileTextOutlined,
  FormOutlined,
  GlobalOutlined,
  LogoutOutlined,
  MenuOutlined,
  SettingOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../api/auth.tsx';
import { useUnitLabel } from '../api/catalog.ts';
import { setLang } from '../i18n/index.ts';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { useOpenTaskCount, useTaskLiveRefresh } from '../features/tasks/tasks.api.ts';

const { Header, Sider, Content } = Layout;

/** Roles that work in a unit (deputies and integrators keep no roster). */
function canSeeDuty(roles: string[]): boolean {
  return roles.some((r) => r !== 'integrator' && r !== 'deputy');
}

/** Roles that file reports from the field or the duty room (integrators only use the API). */
function canReport(roles: string[]): boolean {
  return roles.some((r) => r !== 'integrator');
}

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const unitLabel = useUnitLabel();
  const navigate = useNavigate();
  const location = useLocation();
  const { me, roles, hasRole, logout } = useAuth();
  const screens = Grid.useBreakpoint();
  const isMobile = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  useTaskLiveRefresh();
  const openTasks = useOpenTaskCount();
  // Deputies may be asked to rate; only integrators (API users) have no inbox.
  const hasTasks = canReport(roles);

  const items = [
    ...(hasTasks
      ? [
          {
            key: '/tasks',
            icon: <CheckSquareOutlined />,
            label: (
              <span style={{ display: 'inline-flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, width: 'calc(100% - 4px)' }}>
                <span>{t('tasks.nav')}</span>
                <Badge
                  count={openTasks ?? 0}
                  overflowCount={99}
                  size="small"
                  data-testid="task-badge"
                  data-count={openTasks ?? ''}
                  style={{ boxShadow: 'none' }}
                />
              </span>
            ),
          },
        ]
      : []),
    { key: '/plaza', icon: <AppstoreOutlined />, label: t('nav.plaza') },
    ...(canReport(roles) ? [{ key: '/report', icon: <FormOutlined />, label: t('nav.report') }] : []),
    ...(canSeeDuty(roles) ? [{ key: '/duty', icon: <CalendarOutlined />, label: t('nav.duty') }] : []),
    ...(hasRole('admin', 'leader', 'duty_officer', 'dispatcher') ? [{ key: '/processes', icon: <ApartmentOutlined />, label: t('nav.processes') }] : []),
    ...(canSeeDuty(roles) ? [{ key: '/calendar', icon: <ScheduleOutlined />, label: t('nav.calendar') }] : []),
    ...(hasRole('admin')
      ? [
          { key: '/notify/sms', icon: <MessageOutlined />, label: t('nav.smsInbox') },
          { key: '/notify/templates', icon: <FileTextOutlined />, label: t('nav.smsTemplates') },
          { key: '/admin', icon: <SettingOutlined />, label: t('nav.admin') },
        ]
      : []),
  ];
  const selected = items.map((i) => i.key).find((k) => location.pathname.startsWith(k)) ?? (location.pathname.startsWith('/events') ? '/plaza' : '');

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[selected]}
      items={items}
      onClick={({ key }) => {
        setDrawerOpen(false);
        navigate(key);
      }}
    />
  );
  const logo = (
    <div className="ld-logo">
      <span className="ld-logo-mark">联</span>
      <span>{t('app.logo')}</span>
    </div>
  );

  const user = me?.user;
  const primaryRole = roles[0];
  const switchLang = () => setLang(i18n.language === 'en' ? 'zh' : 'en');

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!isMobile && (
        <Sider width={220} theme="dark" breakpoint="lg" collapsible style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          {logo}
          {menu}
        </Sider>
      )}
      {isMobile && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          width={240}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' } }}
        >
          {logo}
          {menu}
        </Drawer>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Header className="ld-header">
          {isMobile && <Button type="text" icon={<MenuOutlined />} aria-label={t('nav.menu')} onClick={() => setDrawerOpen(true)} />}
          <Typography.Text strong style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {isMobile ? t('app.logo') : ''}
          </Typography.Text>
          <NotificationBell />
          <Button type="text" icon={<GlobalOutlined />} onClick={switchLang} data-testid="lang-switch">
            {t('nav.language')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                {
                  key: 'who',
                  disabled: true,
                  label: (
                    <Space direction="vertical" size={0}>
                      <span>{user?.displayName}</span>
                      <span style={{ fontSize: 12 }}>
                        {(me?.memberships ?? []).map((m) => `${unitLabel(m.orgUnitId, m.orgUnitName)} · ${t(`roles.${m.role}`)}`).join('；')}
                      </span>
                    </Space>
                  ),
                },
                { type: 'divider' },
                { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout') },
              ],
              onClick: async ({ key }) => {
                if (key === 'logout') {
                  await logout();
                  navigate('/login', { replace: true });
                }
              },
            }}
          >
            <Button type="text" data-testid="user-menu" style={{ paddingInline: 4 }}>
              <Space size={6}>
                <Avatar size="small" icon={<UserOutlined />} />
                {!isMobile && <span>{user?.displayName ?? ''}</span>}
                {!isMobile && primaryRole && <Tag color="blue">{t(`roles.${primaryRole}`)}</Tag>}
              </Space>
            </Button>
          </Dropdown>
        </Header>
        <Content className="ld-content">
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
