import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Form, Input, Modal, Row, Space, Spin, Tag, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../api/auth.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';
import { useProcesses } from './processes.api.ts';
import './processes.css';

/** `/processes`: every process of the configuration center, with where it is used. */
export default function ProcessListPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const navigate = useNavigate();
  const { hasRole } = useAuth();
  const isAdmin = hasRole('admin');
  const { data, error, isLoading } = useProcesses();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ key: string; zh: string; en: string }>();

  const create = async () => {
    const v = await form.validateFields();
    setCreating(false);
    navigate(`/processes/${v.key}`, { state: { newName: { zh: v.zh.trim(), en: (v.en || v.zh).trim() } } });
  };

  return (
    <div>
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('processes.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('processes.subtitle')}</Typography.Text>
        </div>
        {isAdmin && (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('processes.newProcess')}
          </Button>
        )}
      </Space>
      {error && <Alert type="error" showIcon message={errorText(t, error)} />}
      {isLoading && <Spin style={{ display: 'block', marginTop: 40 }} />}
      {data && data.items.length === 0 && <Empty />}
      <Row gutter={[12, 12]}>
        {data?.items.map((p) => (
          <Col key={p.key} xs={24} md={12} xl={8}>
            <Card
              hoverable
              size="small"
              data-testid={`process-${p.key}`}
              onClick={() => navigate(`/processes/${p.key}`)}
              title={
                <Space size={8}>
                  <ApartmentOutlined style={{ color: '#1677ff' }} />
                  <span>{p.name[lang]}</span>
                </Space>
              }
              extra={<Tag color="green">{t('processes.versionN', { n: p.activeVersion })}</Tag>}
            >
              <Space direction="vertical" size={6} style={{ width: '100%' }}>
                <Space size={6} wrap>
                  <Typography.Text type="secondary" code>
                    {p.key}
                  </Typography.Text>
                  {p.latestVersion !== p.activeVersion && <Tag>{t('processes.latestVersionN', { n: p.latestVersion })}</Tag>}
                  {p.runningInstances > 0 && <Tag color="processing">{t('processes.running', { count: p.runningInstances })}</Tag>}
                </Space>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('processes.categories')}：
                  </Typography.Text>
                  {p.categories.length === 0 ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('processes.noCategories')}
                    </Typography.Text>
                  ) : (
                    p.categories.map((c) => (
                      <Tag key={c.code} style={{ marginBottom: 4 }}>
                        {c.name[lang]}
                      </Tag>
                    ))
                  )}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('processes.updatedAt')}：{formatTime(p.updatedAt)}
                </Typography.Text>
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      <Modal
        open={creating}
        title={t('processes.newProcess')}
        onOk={create}
        onCancel={() => setCreating(false)}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="key"
            label={t('processes.newKey')}
            rules={[
              { required: true, pattern: /^[a-z][a-z0-9-]{1,63}$/, message: t('processes.newKey') },
              { validator: async (_, v) => (data?.items.some((p) => p.key === v) ? Promise.reject(new Error(t('processes.keyTaken'))) : undefined) },
            ]}
          >
            <Input placeholder="road-damage" />
          </Form.Item>
          <Form.Item name="zh" label={t('processes.newName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="en" label={t('processes.newNameEn')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
