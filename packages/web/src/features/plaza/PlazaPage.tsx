import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, Form, Grid, Input, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { TreeSelectProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { FilterOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EventView } from '../../api/types.ts';
import { FILTER_KEYS, plazaEventsQuery, plazaFilters, type Filters } from './plaza-query.ts';
import { categoryTree, unitTree, useCategories, useCategoryName, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import { useBoundaries } from '../../api/geo.ts';
import { CountyMap, type MapPoint } from '../../components/CountyMap.tsx';
import { StatusTag } from '../../components/StatusTag.tsx';
import { EVENT_SOURCES, EVENT_STATUSES, STATUS_HEX } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';
import { isFinal, isOverdue } from '../events/event-helpers.ts';

// The tree pickers of the filters come when the filters are shown (on a phone they start closed);
// meanwhile a disabled select of the same size holds their place. Form.Item gives its value to
// its child, so the child is this component, not the Suspense boundary.
const TreeSelect = lazy(() => import('antd/es/tree-select'));
function TreePicker(props: TreeSelectProps) {
  return (
    <Suspense fallback={<Select disabled placeholder={props.placeholder} style={props.style} />}>
      <TreeSelect {...props} />
    </Suspense>
  );
}

export default function PlazaPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters: Filters = useMemo(() => plazaFilters(params), [params]);
  const [form] = Form.useForm();
  const isMobile = !Grid.useBreakpoint().md;
  const [mobileView, setMobileView] = useState<'list' | 'map'>('list');
  const [filtersOpen, setFiltersOpen] = useState(false);
  const showFilters = !isMobile || filtersOpen;

  // What the first screen does not show is fetched when it is shown: the unit tree only for the
  // filters (closed on a phone), the boundaries (the biggest answers) only for a visible map.
  const mapShown = !isMobile || mobileView === 'map';
  const categories = useCategories();
  const categoryName = useCategoryName();
  const units = useOrgUnits(showFilters);
  const unitName = useUnitName();
  const grids = useBoundaries('grid', mapShown);
  const townships = useBoundaries('township', mapShown);

  const events = useInfiniteQuery(plazaEventsQuery(filters));
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);

  const categoryByCode = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c])), [categories.data]);
  const catLabel = (code: string, fallback?: string) => categoryName(categoryByCode.get(code)) || fallback || code;
  const rowMeta = (e: EventView) => `${e.code} · ${catLabel(e.category, e.categoryName)} · ${unitName(e.orgChain[e.orgChain.length - 1])}`;

  const points: MapPoint[] = useMemo(
    () =>
      rows.map((e) => ({
        id: e.id,
        lng: e.location.lng,
        lat: e.location.lat,
        name: `${e.code} ${e.title}`,
        detail: t(`status.${e.status}`),
        color: STATUS_HEX[e.status] ?? '#1677ff',
      })),
    [rows, t],
  );

  const applyFilters = (values: Record<string, unknown>) => {
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = values[k];
      if (v === true) next.set(k, 'true');
      else if (Array.isArray(v) && v.length) next.set(k, v.join(','));
      else if (typeof v === 'string' && v.trim()) next.set(k, v.trim());
    }
    setParams(next, { replace: true });
  };

  const columns: ColumnsType<EventView> = [
    {
      title: t('plaza.eventTitle'),
      dataIndex: 'title',
      ellipsis: true,
      render: (title: string, e) => (
        <Space direction="vertical" size={0} style={{ minWidth: 0, maxWidth: '100%' }}>
          <Link to={`/events/${e.id}`} data-testid="event-link">
            {title}
          </Link>
          {/* CSS ellipsis: Typography's `ellipsis` measures every row's text (a forced layout per row). */}
          <span className="ld-row-meta" title={rowMeta(e)}>
            {rowMeta(e)}
          </span>
        </Space>
      ),
    },
    {
      title: t('plaza.status'),
      dataIndex: 'status',
      // English status names are longer ("Awaiting verification"); tags in table cells wrap (styles.css).
      width: i18n.language === 'en' ? 180 : 130,
      render: (_: unknown, e) => (
        <Space size={[0, 4]} wrap>
          <StatusTag status={e.status} />
          {e.supervised && !isFinal(e.status) && <Tag color="magenta">{t('plaza.supervisedTag')}</Tag>}
          {isOverdue(e) && <Tag color="red">{t('plaza.overdueTag')}</Tag>}
        </Space>
      ),
    },
    { title: t('plaza.source'), dataIndex: 'source', width: 96, responsive: ['xxl'], render: (s: string) => t(`source.${s}`) },
    { title: t('plaza.createdAt'), dataIndex: 'createdAt', width: 140, responsive: ['md'], render: formatTime },
  ];

  const unitOptions = useMemo(() => unitTree(units.data ?? [], unitName, ['county', 'township', 'village', 'grid']), [units.data, unitName]);
  const categoryOptions = useMemo(() => categoryTree(categories.data ?? [], categoryName, false), [categories.data, categoryName]);

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('plaza.title')}>
        <Form
          form={form}
          layout="inline"
          initialValues={{
            ...filters,
            // The API takes a comma list of statuses.
            status: filters.status ? filters.status.split(',') : [],
            supervised: filters.supervised === 'true',
            overdue: filters.overdue === 'true',
          }}
          onFinish={applyFilters}
          style={{ rowGap: 8 }}
        >
          <Form.Item name="q">
            <Input.Search placeholder={t('plaza.keywordPlaceholder')} allowClear onSearch={() => form.submit()} style={{ width: isMobile ? 200 : 220 }} />
          </Form.Item>
          {isMobile && (
            <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen((o) => !o)} type={filtersOpen ? 'primary' : 'default'} ghost={filtersOpen}>
              {t('plaza.filters')}
            </Button>
          )}
          {showFilters && (
            <>
              <Form.Item name="status">
                <Select
                  mode="multiple"
                  allowClear
                  maxTagCount="responsive"
                  placeholder={t('plaza.status')}
                  style={{ width: 200 }}
                  options={EVENT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
                />
              </Form.Item>
              <Form.Item name="category">
                <TreePicker
                  allowClear
                  placeholder={t('plaza.category')}
                  style={{ width: 180 }}
                  treeData={categoryOptions.map((m) => ({ ...m, title: m.label, children: m.children?.map((c) => ({ ...c, title: c.label })) }))}
                  popupMatchSelectWidth={false}
                />
              </Form.Item>
              <Form.Item name="source">
                <Select
                  allowClear
                  placeholder={t('plaza.source')}
                  style={{ width: 120 }}
                  options={EVENT_SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))}
                />
              </Form.Item>
              <Form.Item name="orgUnitId">
                <TreePicker
                  allowClear
                  showSearch
                  treeNodeFilterProp="title"
                  placeholder={t('plaza.orgUnit')}
                  style={{ width: 180 }}
                  treeData={unitOptions}
                  popupMatchSelectWidth={false}
                />
              </Form.Item>
              <Form.Item name="supervised" valuePropName="checked">
                <Checkbox>{t('plaza.onlySupervised')}</Checkbox>
              </Form.Item>
              <Form.Item name="overdue" valuePropName="checked">
                <Checkbox>{t('plaza.onlyOverdue')}</Checkbox>
              </Form.Item>
            </>
          )}
          <Space>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                form.setFieldsValue(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])));
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form>
      </Card>
      {events.error && <Alert type="error" showIcon message={errorText(t, events.error)} />}
      {isMobile && (
        <Segmented
          block
          value={mobileView}
          onChange={(v) => setMobileView(v as 'list' | 'map')}
          options={[
            { value: 'list', label: t('common.list') },
            { value: 'map', label: t('common.map') },
          ]}
        />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14} style={isMobile && mobileView !== 'list' ? { display: 'none' } : undefined}>
          <Card
            size="small"
            title={t('plaza.count', { count: rows.length })}
            extra={<Button size="small" icon={<ReloadOutlined />} onClick={() => events.refetch()} aria-label={t('common.retry')} />}
          >
            <Table<EventView>
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={rows}
              loading={events.isLoading}
              pagination={false}
              locale={{ emptyText: t('plaza.empty') }}
              tableLayout="fixed"
              data-testid="events-table"
            />
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              {events.hasNextPage ? (
                <Button onClick={() => events.fetchNextPage()} loading={events.isFetchingNextPage} data-testid="load-more">
                  {t('common.loadMore')}
                </Button>
              ) : (
                rows.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
              )}
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={10} style={isMobile && mobileView !== 'map' ? { display: 'none' } : undefined}>
          <Card
            size="small"
            title={t('plaza.mapTitle')}
            style={{ position: 'sticky', top: 12 }}
            extra={
              <Typography.Text type="secondary" className="ld-hide-mobile">
                {t('plaza.mapHint')}
              </Typography.Text>
            }
          >
            <CountyMap
              base={grids.data?.features.length ? grids.data : townships.data}
              outlines={townships.data}
              points={points}
              loading={grids.isLoading || townships.isLoading}
              emptyText={grids.error || townships.error ? t('map.loadFailed') : undefined}
              onPointClick={(id) => navigate(`/events/${id}`)}
              testId="plaza-map"
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
