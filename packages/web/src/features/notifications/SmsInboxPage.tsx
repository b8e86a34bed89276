import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Badge, Button, Card, Empty, Grid, Input, List, Space, Tooltip, Typography } from 'antd';
import { ArrowLeftOutlined, CheckOutlined, ClockCircleOutlined, ExclamationCircleFilled, MobileOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import './notifications.css';
import dayjs from 'dayjs';
import { errorText } from '../../lib/errors.ts';
import { useSmsMessages, type SmsMessage } from './notifications.api.ts';

interface Conversation {
  to: string;
  /** Oldest first, as a phone shows them. */
  messages: SmsMessage[];
  last: SmsMessage;
}

function conversationsOf(messages: SmsMessage[]): Conversation[] {
  const byNumber = new Map<string, SmsMessage[]>();
  for (const m of messages) {
    const list = byNumber.get(m.to) ?? [];
    list.push(m);
    byNumber.set(m.to, list);
  }
  return [...byNumber.entries()]
    .map(([to, list]) => {
      // Ids are time-ordered (UUIDv7): they order messages created in the same millisecond.
      const sorted = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      return { to, messages: sorted, last: sorted[sorted.length - 1] };
    })
    .sort((a, b) => b.last.createdAt.localeCompare(a.last.createdAt) || b.last.id.localeCompare(a.last.id));
}

/** Status ticks like a messaging app: clock queued, ✓ sent, ✓✓ delivered, red ! failed. */
export function StatusTicks({ m }: { m: SmsMessage }) {
  const { t } = useTranslation();
  const label = t(`notify.smsStatus.${m.status}`);
  const icon =
    m.status === 'queued' ? (
      <ClockCircleOutlined />
    ) : m.status === 'sent' ? (
      <CheckOutlined />
    ) : m.status === 'delivered' ? (
      <span className="ld-ticks">
        <CheckOutlined />
        <CheckOutlined />
      </span>
    ) : (
      <ExclamationCircleFilled />
    );
  return (
    <Tooltip title={m.lastError ? `${label}：${m.lastError}` : label}>
      <span className={`ld-sms-status ld-sms-${m.status}`} data-testid="sms-status" data-status={m.status}>
        {icon} {label}
      </span>
    </Tooltip>
  );
}

function PhoneScreen({ conversation, onBack }: { conversation: Conversation; onBack?: () => void }) {
  const { t } = useTranslation();
  const body = useRef<HTMLDivElement>(null);
  // Like a phone: the newest message, at the bottom, is in view.
  useEffect(() => {
    if (body.current) body.current.scrollTop = body.current.scrollHeight;
  }, [conversation.to, conversation.messages.length]);
  let lastDay = '';
  return (
    <div className="ld-phone" data-testid="sms-phone">
      <div className="ld-phone-bar">
        {onBack && <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t('common.back')} />}
        <div className="ld-phone-title">
          <span>{t('notify.smsSender')}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('notify.smsTo', { to: conversation.to })}
          </Typography.Text>
        </div>
      </div>
      <div className="ld-phone-body" ref={body}>
        {conversation.messages.map((m) => {
          const day = dayjs(m.createdAt).format('YYYY-MM-DD');
          const showDay = day !== lastDay;
          lastDay = day;
          return (
            <div key={m.id}>
              {showDay && <div className="ld-phone-day">{day}</div>}
              <div className={`ld-bubble${m.status === 'failed' ? ' ld-bubble-failed' : ''}`} data-testid="sms-bubble">
                {m.text}
              </div>
              <div className="ld-bubble-meta">
                {dayjs(m.createdAt).format('HH:mm')}
                {m.parts && m.parts > 1 ? ` · ${t('notify.smsParts', { count: m.parts })}` : ''}
                {m.urgent ? ` · ${t('notify.urgent')}` : ''}
                {m.eventId && (
                  <>
                    {' · '}
                    <Link to={`/events/${m.eventId}`}>{t('notify.openEvent')}</Link>
                  </>
                )}
                {' · '}
                <StatusTicks m={m} />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** 短信收件箱: every SMS of the outbox, grouped per number and shown as the phone would show it. */
export default function SmsInboxPage() {
  const { t } = useTranslation();
  const isMobile = !Grid.useBreakpoint().md;
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const sms = useSmsMessages(filter.trim() || undefined);
  const conversations = useMemo(() => conversationsOf(sms.data?.items ?? []), [sms.data]);
  const current = conversations.find((c) => c.to === selected) ?? (isMobile ? undefined : conversations[0]);

  const list = (
    <List
      dataSource={conversations}
      loading={sms.isLoading}
      locale={{ emptyText: <Empty description={t('notify.smsEmpty')} /> }}
      data-testid="sms-conversations"
      renderItem={(c) => (
        <List.Item onClick={() => setSelected(c.to)} className={`ld-conv${current?.to === c.to ? ' ld-conv-active' : ''}`} data-testid="sms-conversation">
          <List.Item.Meta
            avatar={<MobileOutlined style={{ fontSize: 20, color: '#1677ff', marginTop: 4 }} />}
            title={
              <Space size={6}>
                <span>{c.to}</span>
                <Badge count={c.messages.length} color="#bfbfbf" size="small" />
              </Space>
            }
            description={
              <div style={{ minWidth: 0 }}>
                <Typography.Text type="secondary" ellipsis style={{ display: 'block' }}>
                  {c.last.text}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {dayjs(c.last.createdAt).format('MM-DD HH:mm')} · <StatusTicks m={c.last} />
                </Typography.Text>
              </div>
            }
          />
        </List.Item>
      )}
    />
  );

  return (
    <Card
      size="small"
      title={t('notify.smsInbox')}
      extra={
        <Input.Search allowClear placeholder={t('notify.smsFilter')} onSearch={setFilter} style={{ width: isMobile ? 150 : 220 }} data-testid="sms-filter" />
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Text type="secondary">{t('notify.smsHint')}</Typography.Text>
        {sms.error && <Alert type="error" showIcon message={errorText(t, sms.error)} />}
        {isMobile ? (
          current ? (
            <PhoneScreen conversation={current} onBack={() => setSelected(null)} />
          ) : (
            list
          )
        ) : (
          <div className="ld-sms-layout">
            <div className="ld-sms-list">{list}</div>
            <div className="ld-sms-view">{current ? <PhoneScreen conversation={current} /> : <Empty description={t('notify.smsEmpty')} />}</div>
          </div>
        )}
      </Space>
    </Card>
  );
}
