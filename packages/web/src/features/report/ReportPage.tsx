import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Cascader, Col, Form, Input, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import type { UploadFile } from 'antd';
import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import { categoryTree, useCategories, useCategoryName } from '../../api/catalog.ts';
import { useBoundaries } from '../../api/geo.ts';
import type { EventSource, EventView, OrgChainEntry, Urgency } from '../../api/types.ts';
import { CountyMap } from '../../components/CountyMap.tsx';
import { PERSON_SOURCES } from '@liandong/contracts/source-profiles';
import { defaultSourceFor, URGENCIES } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';
import { dataIdOf, PhotoUpload } from '../../components/PhotoUpload.tsx';
import { formatLngLat } from '../../lib/format.ts';

interface FormValues {
  category: string[];
  title: string;
  description?: string;
  urgency?: Urgency;
  source: EventSource;
  address?: string;
}

export default function ReportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { roles } = useAuth();
  const [form] = Form.useForm<FormValues>();
  const [point, setPoint] = useState<{ lng: number; lat: number } | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [pointMissing, setPointMissing] = useState(false);

  const categories = useCategories();
  const categoryName = useCategoryName();
  const grids = useBoundaries('grid');
  const townships = useBoundaries('township');
  const options = useMemo(() => categoryTree(categories.data ?? [], categoryName), [categories.data, categoryName]);

  const located = useQuery({
    queryKey: ['locate', point?.lng, point?.lat],
    queryFn: () => api.get<{ chain: OrgChainEntry[] }>('/api/v1/org-units/locate', { lng: point!.lng, lat: point!.lat }),
    enabled: !!point,
    retry: false,
    staleTime: Infinity,
  });
  const outside = located.error instanceof ApiError && located.error.code === 'OUTSIDE_JURISDICTION';

  const submit = useMutation({
    mutationFn: (body: unknown) => api.post<EventView>('/api/v1/events', body),
    onSuccess: (created) => {
      message.success(t('report.success', { code: created.code }));
      navigate(`/events/${created.id}`);
    },
    onError: (e) => setSubmitError(errorText(t, e)),
  });

  const onFinish = (v: FormValues) => {
    setSubmitError(null);
    if (!point) {
      setPointMissing(true);
      return;
    }
    const attachments = files
      .filter((f) => f.status === 'done')
      .map((f) => dataIdOf(f.response))
      .filter((id): id is string => !!id)
      .map((dataId) => ({ dataId, kind: 'photo' as const }));
    submit.mutate({
      category: v.category[v.category.length - 1],
      title: v.title.trim(),
      ...(v.description?.trim() ? { description: v.description.trim() } : {}),
      ...(v.urgency ? { urgency: v.urgency } : {}),
      source: v.source,
      location: { lng: point.lng, lat: point.lat, ...(v.address?.trim() ? { address: v.address.trim() } : {}) },
      ...(attachments.length ? { attachments } : {}),
    });
  };

  const pick = (lng: number, lat: number) => {
    setPoint({ lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 });
    setPointMissing(false);
  };

  const useMyLocation = () => {
    navigator.geolocation?.getCurrentPosition(
      (pos) => pick(pos.coords.longitude, pos.coords.latitude),
      () => message.warning(t('report.geolocationFailed')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  const locationCard = (
    <Card
      size="small"
      title={t('report.location')}
      extra={
        <Button size="small" icon={<AimOutlined />} onClick={useMyLocation}>
          {t('report.useMyLocation')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        <EnvironmentOutlined /> {t('report.locationHint')}
      </Typography.Paragraph>
      <CountyMap
        base={grids.data?.features.length ? grids.data : townships.data}
        outlines={townships.data}
        marker={point}
        loading={grids.isLoading || townships.isLoading}
        emptyText={grids.error || townships.error ? t('map.loadFailed') : undefined}
        onMapClick={pick}
        testId="report-map"
      />
      <div style={{ marginTop: 8, minHeight: 24 }} data-testid="located">
        {point && (
          <Space wrap size={[8, 4]}>
            <Typography.Text type="secondary">{formatLngLat(point.lng, point.lat)}</Typography.Text>
            {located.isLoading && <Typography.Text type="secondary">{t('report.locating')}</Typography.Text>}
            {located.data && (
              <>
                <Typography.Text>{t('report.located')}：</Typography.Text>
                <Tag color="blue" data-testid="located-grid">
                  {located.data.chain.map((c) => c.name).join(' / ')}
                </Tag>
              </>
            )}
            {located.error && (
              <Typography.Text type="danger" data-testid="locate-error">
                {outside ? t('report.outside') : errorText(t, located.error)}
              </Typography.Text>
            )}
          </Space>
        )}
        {pointMissing && !point && <Typography.Text type="danger">{t('report.locationRequired')}</Typography.Text>}
      </div>
    </Card>
  );

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      initialValues={{ source: defaultSourceFor(roles), urgency: undefined }}
      scrollToFirstError
    >
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={11}>
          <Card size="small" title={t('report.title')}>
            <Form.Item name="category" label={t('report.category')} rules={[{ required: true, message: t('report.categoryRequired') }]}>
              <Cascader
                options={options}
                placeholder={t('report.categoryPlaceholder')}
                showSearch
                loading={categories.isLoading}
                data-testid="category-cascader"
                popupClassName="ld-cascader"
              />
            </Form.Item>
            <Form.Item name="title" label={t('report.eventTitle')} rules={[{ required: true, whitespace: true, message: t('report.titleRequired') }]}>
              <Input maxLength={200} placeholder={t('report.titlePlaceholder')} data-testid="title-input" />
            </Form.Item>
            <Form.Item name="description" label={t('report.description')}>
              <Input.TextArea rows={3} maxLength={4000} placeholder={t('report.descriptionPlaceholder')} />
            </Form.Item>
            <Row gutter={12}>
              <Col xs={24} sm={14}>
                <Form.Item name="urgency" label={t('report.urgency')}>
                  <Radio.Group optionType="button" options={URGENCIES.map((u) => ({ value: u, label: t(`urgency.${u}`) }))} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={10}>
                <Form.Item name="source" label={t('report.source')}>
                  <Select options={PERSON_SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="address" label={t('report.address')}>
              <Input maxLength={300} placeholder={t('report.addressPlaceholder')} />
            </Form.Item>
            <Form.Item label={t('report.photos')}>
              <PhotoUpload files={files} onChange={setFiles} labels={{ upload: t('report.upload'), failed: t('report.uploadFailed') }} />
            </Form.Item>
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          {locationCard}
        </Col>
        <Col xs={24}>
          {submitError && <Alert type="error" showIcon message={submitError} style={{ marginBottom: 12 }} data-testid="submit-error" />}
          <div style={{ textAlign: 'right' }}>
            <Button
              type="primary"
              htmlType="submit"
              size="large"
              loading={submit.isPending}
              style={{ width: '100%', maxWidth: 360 }}
              data-testid="submit-report"
            >
              {t('report.submit')}
            </Button>
          </div>
        </Col>
      </Row>
    </Form>
  );
}
