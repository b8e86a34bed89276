import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { App, Badge, Button, Drawer, Empty, Grid, List, Space, Tag, Typography } from 'antd';
import { BellOutlined, CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import './notifications.css';
import { formatTime } from '../../lib/format.ts';
import { useInbox, useMarkAllRead, useMarkRead, type InboxNotification } from './notifications.api.ts';
import { useLiveUpdates } from './useLiveUpdates.ts';

/** The header bell: unread count, and a drawer listing notifications (click → the event, marked read). */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const isMobile = !Grid.useBreakpoint().md;
  const { notification } = App.useApp();
  const [open, setOpen] = useState(false);
  const inbox = useInbox();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  useLiveUpdates();

  const unread = inbox.data?.unreadCount ?? 0;
  const items = inbox.data?.items ?? [];

  const openItem = (n: InboxNotification) => {
    if (!n.read) markRead.mutate(n.id);
    if (n.link) {
      setOpen(false);
      navigate(n.link);
    }
  };

  return (
    <>
      <span data-testid="bell-count" data-count={unread}>
        <Badge count={unread} size="small" offset={[-6, 8]}>
          <Button
            type="text"
            icon={<BellOutlined style={{ fontSize: 18 }} />}
            aria-label={t('notify.bell', { count: unread })}
            data-testid="bell"
            onClick={() => {
              // Toasts would cover the drawer's first items.
              notification.destroy();
              setOpen(true);
            }}
          />
        </Badge>
      </span>
      <Drawer
        title={t('notify.title')}
        placement="right"
        width={isMobile ? '100%' : 400}
        open={open}
        onClose={() => setOpen(false)}
        styles={{ body: { padding: 0 } }}
        extra={
          <Button
            size="small"
            icon={<CheckOutlined />}
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
            data-testid="mark-all-read"
          >
            {t('notify.markAllRead')}
          </Button>
        }
      >
        {items.length === 0 ? (
          <Empty style={{ marginTop: 48 }} description={t('notify.empty')} />
        ) : (
          <List
            dataSource={items}
            data-testid="notification-list"
            renderItem={(n) => (
              <List.Item
                key={n.id}
                onClick={() => openItem(n)}
                className={`ld-notice${n.read ? '' : ' ld-notice-unread'}`}
                data-testid="notification-item"
                data-read={n.read ? '1' : '0'}
              >
                <Space direction="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
                  <Space size={6} wrap>
                    {!n.read && <Badge status="processing" />}
                    <Typography.Text strong={!n.read}>{n.title ?? t(`notify.kind.${n.kind}`, { defaultValue: n.kind })}</Typography.Text>
                    {n.urgent && <Tag color="red">{t('notify.urgent')}</Tag>}
                  </Space>
                  <Typography.Paragraph style={{ margin: 0, wordBreak: 'break-word' }} type={n.read ? 'secondary' : undefined}>
                    {n.body}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(n.createdAt)}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Drawer>
    </>
  );
}
