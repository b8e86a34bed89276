import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Rate,
  Result,
  Row,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { AlertOutlined, ArrowLeftOutlined, BellOutlined, MessageOutlined, StarOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, itemsOf } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import type { EventView, OrgUnit, TimelineEntry } from '../../api/types.ts';
import { useCategories, useCategoryName, useUnitName } from '../../api/catalog.ts';
import { AuthImage, attachmentSource } from '../../components/AuthImage.tsx';
import { CountyMap } from '../../components/CountyMap.tsx';
import { useBoundaries } from '../../api/geo.ts';
import { StatusTag } from '../../components/StatusTag.tsx';
import { STATUS_HEX, URGENCY_COLORS } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';
import { formatLngLat, formatTime } from '../../lib/format.ts';
import { canRate, isFinal, isOverdue } from './event-helpers.ts';
import { TimelineText } from './TimelineText.tsx';
import { CurrentTasksPanel } from '../tasks/CurrentTasksPanel.tsx';
import { EventProcessCard } from '../tasks/EventProcessCard.tsx';
import { processTimelineColor } from '../tasks/timeline-sentence.ts';

function UnitName({ id }: { id: string }) {
  const unitName = useUnitName();
  const q = useQuery({ queryKey: ['org-unit', id], queryFn: () => api.get<OrgUnit>(`/api/v1/org-units/${id}`), staleTime: 30 * 60_000 });
  const { t } = useTranslation();
  if (q.isLoading) return <span>…</span>;
  return <span>{q.data ? unitName(q.data) : t('event.unknownUnit')}</span>;
}

type ActionKind = 'urge' | 'supervise' | 'rating';

export default function EventDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const unitName = useUnitName();
  const { message } = App.useApp();
  const { hasRole, me } = useAuth();
  const queryClient = useQueryClient();
  const categories = useCategories();
  const categoryName = useCategoryName();
  const [comment, setComment] = useState('');
  const [dialog, setDialog] = useState<ActionKind | null>(null);
  const [form] = Form.useForm();
  const grids = useBoundaries('grid');
  const townships = useBoundaries('township');

  const event = useQuery({ queryKey: ['event', id], queryFn: () => api.get<EventView>(`/api/v1/events/${id}`) });
  const timeline = useQuery({
    queryKey: ['event', id, 'timeline'],
    queryFn: async () => itemsOf<TimelineEntry>(await api.get(`/api/v1/events/${id}/timeline`)),
    enabled: event.isSuccess,
  });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['event', id] });
    void queryClient.invalidateQueries({ queryKey: ['events'] });
  };

  const action = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown; done: string }) => api.post(`/api/v1/events/${id}/${path}`, body),
    onSuccess: (_r, vars) => {
      message.success(vars.done);
      setDialog(null);
      form.resetFields();
      refresh();
    },
    onError: (e) => message.error(errorText(t, e)),
  });

  if (event.isLoading) return <Skeleton active />;
  if (event.error) {
    const notFound = event.error instanceof ApiError && (event.error.status === 404 || event.error.status === 403);
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('event.notFound') : errorText(t, event.error)}
        extra={
          <Link to="/plaza">
            <Button type="primary">{t('event.backToPlaza')}</Button>
          </Link>
        }
      />
    );
  }
  const e = event.data!;
  const category = categories.data?.find((c) => c.code === e.category);
  const canSupervise = hasRole('leader', 'duty_officer', 'admin');
  // The configuration center's readers may read process definitions (the diagram).
  const canReadProcess = hasRole('admin', 'leader', 'duty_officer', 'dispatcher');
  const photos = e.attachments.filter((a) => a.kind === 'photo' || a.mime?.startsWith('image/'));
  const others = e.attachments.filter((a) => !photos.includes(a));

  const submitDialog = async () => {
    // A missing field shows its message under the field; nothing to send yet.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    if (dialog === 'urge') action.mutate({ path: 'urge', body: v.note ? { note: v.note } : {}, done: t('event.urgeDone') });
    if (dialog === 'supervise') action.mutate({ path: 'supervise', body: v.note ? { note: v.note } : {}, done: t('event.superviseDone') });
    if (dialog === 'rating')
      action.mutate({ path: 'rating', body: { score: v.score, ...(v.comment ? { comment: v.comment } : {}) }, done: t('event.rateDone') });
  };

  const entries = [...(timeline.data ?? [])].sort((a, b) => a.seq - b.seq);

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Link to="/plaza">
          <Button icon={<ArrowLeftOutlined />}>{t('event.backToPlaza')}</Button>
        </Link>
      </Space>
      <Card
        title={
          <Space wrap size={[8, 4]}>
            <Typography.Text strong data-testid="event-title" style={{ whiteSpace: 'normal' }}>
              {e.title}
            </Typography.Text>
            <StatusTag status={e.status} />
            {e.supervised && !isFinal(e.status) && (
              <Tag color="magenta" data-testid="supervised-tag">
                {t('event.supervised')}
              </Tag>
            )}
            {isOverdue(e) && <Tag color="red">{t('plaza.overdueTag')}</Tag>}
          </Space>
        }
        extra={
          <Typography.Text type="secondary" className="ld-hide-mobile" data-testid="event-code">
            {e.code}
          </Typography.Text>
        }
      >
        <Descriptions column={{ xs: 1, sm: 1, md: 2, xl: 3 }} size="small" bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
          <Descriptions.Item label={t('event.code')}>{e.code}</Descriptions.Item>
          <Descriptions.Item label={t('event.category')}>{categoryName(category) || e.categoryName || e.category}</Descriptions.Item>
          <Descriptions.Item label={t('event.status')}>
            <Space size={4}>
              <StatusTag status={e.status} />
              {e.closingKind && <span>{t(`closingKind.${e.closingKind}`)}</span>}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('event.source')}>{t(`source.${e.source}`)}</Descriptions.Item>
          <Descriptions.Item label={t('event.urgency')}>
            <Tag color={URGENCY_COLORS[e.urgency]}>{t(`urgency.${e.urgency}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('event.urgeCount')}>{e.urgeCount}</Descriptions.Item>
          <Descriptions.Item label={t('event.orgChain')} span={{ xs: 1, md: 2, xl: 3 }}>
            <Breadcrumb separator="→" items={e.orgChain.map((u) => ({ title: unitName(u) }))} data-testid="org-chain" />
          </Descriptions.Item>
          <Descriptions.Item label={t('event.leadUnit')}>{e.leadUnitId ? <UnitName id={e.leadUnitId} /> : t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('event.coUnits')} span={{ xs: 1, md: 1, xl: 2 }}>
            {e.coHandlingUnitIds.length ? (
              <Space wrap size={4}>
                {e.coHandlingUnitIds.map((u) => (
                  <Tag key={u}>
                    <UnitName id={u} />
                  </Tag>
                ))}
              </Space>
            ) : (
              t('common.none')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('event.location')} span={{ xs: 1, md: 2, xl: 3 }}>
            {e.location.address ? `${e.location.address}（${formatLngLat(e.location.lng, e.location.lat)}）` : formatLngLat(e.location.lng, e.location.lat)}
          </Descriptions.Item>
          <Descriptions.Item label={t('event.description')} span={{ xs: 1, md: 2, xl: 3 }}>
            <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{e.description || '—'}</Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('event.occurredAt')}>{formatTime(e.occurredAt)}</Descriptions.Item>
          <Descriptions.Item label={t('event.createdAt')}>{formatTime(e.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('event.dueAt')}>{formatTime(e.dueAt)}</Descriptions.Item>
          {e.closedAt && <Descriptions.Item label={t('event.closedAt')}>{formatTime(e.closedAt)}</Descriptions.Item>}
          {e.reporter && (e.reporter.name || e.reporter.phone) && (
            <Descriptions.Item label={t('event.reporter')}>{[e.reporter.name, e.reporter.phone].filter(Boolean).join(' ')}</Descriptions.Item>
          )}
          {e.trackingToken && (
            <Descriptions.Item label={t('event.trackingLink')}>
              <Typography.Text copyable={{ text: `${window.location.origin}/api/v1/track/${e.trackingToken}` }}>
                {e.trackingToken.slice(0, 12)}…
              </Typography.Text>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>

      {timeline.data && <CurrentTasksPanel entries={timeline.data} finished={isFinal(e.status)} />}

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card title={t('event.timeline')} size="small" data-testid="timeline">
            {timeline.error && <Alert type="error" showIcon message={errorText(t, timeline.error)} />}
            {timeline.isLoading ? (
              <Skeleton active />
            ) : entries.length ? (
              <Timeline
                style={{ marginTop: 8 }}
                items={entries.map((entry) => ({
                  key: entry.id,
                  color: processTimelineColor(entry.kind) ?? (entry.kind in STATUS_HEX ? STATUS_HEX[entry.kind as keyof typeof STATUS_HEX] : 'blue'),
                  children: <TimelineText entry={entry} />,
                }))}
              />
            ) : (
              <Empty description={t('event.noTimeline')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {canReadProcess && <EventProcessCard eventId={e.id} />}
            <Card title={t('event.actions')} size="small">
              <Space direction="vertical" style={{ width: '100%' }}>
                <Input.TextArea
                  rows={3}
                  value={comment}
                  maxLength={2000}
                  placeholder={t('event.commentPlaceholder')}
                  onChange={(ev) => setComment(ev.target.value)}
                  data-testid="comment-input"
                />
                <Space wrap>
                  <Button
                    type="primary"
                    icon={<MessageOutlined />}
                    disabled={!comment.trim()}
                    loading={action.isPending && action.variables?.path === 'comments'}
                    onClick={() =>
                      action.mutate({ path: 'comments', body: { text: comment.trim() }, done: t('event.commentDone') }, { onSuccess: () => setComment('') })
                    }
                  >
                    {t('event.comment')}
                  </Button>
                  {!isFinal(e.status) && (
                    <Button icon={<BellOutlined />} onClick={() => setDialog('urge')}>
                      {t('event.urge')}
                    </Button>
                  )}
                  {canSupervise && !isFinal(e.status) && !e.supervised && (
                    <Button danger icon={<AlertOutlined />} onClick={() => setDialog('supervise')}>
                      {t('event.supervise')}
                    </Button>
                  )}
                  {canRate(e, entries, me?.user.id) && (
                    <Button icon={<StarOutlined />} onClick={() => setDialog('rating')} data-testid="rate-button">
                      {t('event.rate')}
                    </Button>
                  )}
                </Space>
              </Space>
            </Card>
            <Card title={t('event.location')} size="small">
              <CountyMap
                base={grids.data?.features.length ? grids.data : townships.data}
                outlines={townships.data}
                marker={e.location}
                focus={{ lng: e.location.lng, lat: e.location.lat, zoom: 3 }}
                highlightId={e.orgChain[e.orgChain.length - 1]?.id}
                loading={grids.isLoading || townships.isLoading}
                height={280}
              />
            </Card>
            <Card title={t('event.attachments')} size="small">
              {e.attachments.length === 0 ? (
                <Typography.Text type="secondary">{t('event.noAttachments')}</Typography.Text>
              ) : (
                <Space wrap>
                  <AttachmentPreview photos={photos} />
                  {others.map((a) => {
                    const source = attachmentSource(a.url);
                    // An external file is a plain link (no token, no referrer); the server's own are listed.
                    return source.kind === 'external' ? (
                      <a key={a.id} href={source.href} target="_blank" rel="noopener noreferrer">
                        <Tag>{a.kind}</Tag>
                      </a>
                    ) : (
                      <Tag key={a.id}>{a.kind}</Tag>
                    );
                  })}
                </Space>
              )}
            </Card>
          </Space>
        </Col>
      </Row>

      <Modal
        open={dialog !== null}
        title={dialog === 'urge' ? t('event.urgeTitle') : dialog === 'supervise' ? t('event.superviseTitle') : t('event.rateTitle')}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={action.isPending}
        onOk={submitDialog}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'rating' ? (
            <>
              <Form.Item name="score" label={t('event.score')} rules={[{ required: true, message: t('common.required') }]}>
                <Rate />
              </Form.Item>
              <Form.Item name="comment" label={t('event.ratingComment')}>
                <Input.TextArea rows={3} maxLength={1000} />
              </Form.Item>
            </>
          ) : (
            <Form.Item name="note">
              <Input.TextArea rows={3} maxLength={2000} placeholder={t('event.notePlaceholder')} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}

function AttachmentPreview({ photos }: { photos: EventView['attachments'] }) {
  const { t } = useTranslation();
  return (
    <>
      {photos.map((a, i) => (
        <AuthImage key={a.id} url={a.url} alt={`${t('event.attachments')} ${i + 1}`} />
      ))}
    </>
  );
}
