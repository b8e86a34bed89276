import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Input, Row, Segmented, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import './notifications.css';
import { errorText } from '../../lib/errors.ts';
import { useSaveTemplate, useSmsTemplates, type SmsTemplate } from './notifications.api.ts';

type Locale = 'zh' | 'en';

/** Values the preview fills in, per language: what a real message would carry (names masked, as sent). Every variable a kind supplies has one. */
const SAMPLE_VARS: Record<Locale, Record<string, string>> = {
  zh: {
    code: '2026112800001',
    name: '张**',
    hours: '36',
    silence: '已36小时无活动',
    task: '处置',
    due: '11-28 18:00',
    text: '这是一条测试短信',
    category: '饮用水源地违规活动',
    place: '南浦村第一网格',
    title: '水源地有人游泳',
    role: '主办',
    unit: '南浦村',
    note: '请于今日内反馈',
    plate: '浙B12345',
    minutes: '15',
  },
  en: {
    code: '2026112800001',
    name: 'Zhang **',
    hours: '36',
    silence: 'has shown no activity for 36 hours',
    task: 'Handle',
    due: '28 Nov 18:00',
    text: 'This is a test message',
    category: 'Activity at a drinking-water source',
    place: 'Nanpu Grid 1',
    title: 'Swimming at the reservoir',
    role: 'lead',
    unit: 'Nanpu Village',
    note: 'Report back today.',
    plate: 'ZJ-B12345',
    minutes: '15',
  },
};

function render(body: string, vars: Record<string, string>): string {
  return body.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** SMS parts the text needs: Chinese goes as UCS-2 (70 characters, 67 per part when split). */
export function smsParts(text: string): { chars: number; parts: number } {
  const chars = [...text].length;
  const ucs2 = /[^\x20-\x7e\n\r]/.test(text);
  const single = ucs2 ? 70 : 160;
  const part = ucs2 ? 67 : 153;
  return { chars, parts: chars <= single ? 1 : Math.ceil(chars / part) };
}

function usedVariables(body: string): string[] {
  return [...new Set([...body.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))];
}

function TemplateEditor({ kind, templates }: { kind: string; templates: SmsTemplate[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [locale, setLocale] = useState<Locale>('zh');
  const template = templates.find((x) => x.locale === locale) ?? templates[0];
  const [draft, setDraft] = useState(template.body);
  useEffect(() => setDraft(template.body), [template.body, locale]);
  const save = useSaveTemplate();

  const unknown = usedVariables(draft).filter((v) => !template.variables.includes(v));
  const preview = render(draft, SAMPLE_VARS[locale]);
  const { chars, parts } = smsParts(preview);
  const dirty = draft !== template.body;

  return (
    <Card
      size="small"
      data-testid="template-card"
      data-kind={kind}
      title={
        <Space size={8} wrap>
          <Typography.Text code>{kind}</Typography.Text>
          {template.overridden && <Tag color="blue">{t('notify.overridden')}</Tag>}
        </Space>
      }
      extra={
        <Segmented
          size="small"
          value={locale}
          onChange={(v) => setLocale(v as Locale)}
          options={[
            { label: '中文', value: 'zh' },
            { label: 'English', value: 'en' },
          ]}
        />
      }
    >
      <Row gutter={[16, 12]}>
        <Col xs={24} md={13}>
          <Space direction="vertical" style={{ width: '100%' }} size={8}>
            <Typography.Text type="secondary">{t(`notify.kindDescription.${kind}`, { defaultValue: template.description })}</Typography.Text>
            <Space size={[4, 4]} wrap>
              <Typography.Text type="secondary">{t('notify.variables')}：</Typography.Text>
              {template.variables.map((v) => (
                <Tag key={v} style={{ cursor: 'pointer' }} onClick={() => setDraft((d) => `${d}{${v}}`)}>
                  {`{${v}}`}
                </Tag>
              ))}
            </Space>
            <Input.TextArea
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={500}
              data-testid="template-body"
            />
            {unknown.length > 0 && <Alert type="warning" showIcon message={t('notify.unknownVariables', { names: unknown.map((v) => `{${v}}`).join(' ') })} />}
            <Space wrap>
              <Button
                type="primary"
                disabled={!dirty || unknown.length > 0 || !draft.trim()}
                loading={save.isPending}
                data-testid="template-save"
                onClick={() =>
                  save.mutate(
                    { kind, locale, body: draft },
                    { onSuccess: () => message.success(t('common.saved')), onError: (e) => message.error(errorText(t, e)) },
                  )
                }
              >
                {t('common.save')}
              </Button>
              <Button disabled={draft === template.defaultBody} onClick={() => setDraft(template.defaultBody)}>
                {t('notify.restoreDefault')}
              </Button>
            </Space>
          </Space>
        </Col>
        <Col xs={24} md={11}>
          <div className="ld-phone ld-phone-preview">
            <div className="ld-phone-bar">
              <div className="ld-phone-title">
                <span>{t('notify.preview')}</span>
              </div>
            </div>
            <div className="ld-phone-body">
              <div className="ld-bubble" data-testid="template-preview">
                {preview}
              </div>
              <div className="ld-bubble-meta">{t('notify.charsAndParts', { chars, parts })}</div>
            </div>
          </div>
        </Col>
      </Row>
    </Card>
  );
}

/** 短信模板: the texts of each notification kind, zh and en, with a live preview. */
export default function TemplatesPage() {
  const { t } = useTranslation();
  const templates = useSmsTemplates();
  const kinds = useMemo(() => {
    const map = new Map<string, SmsTemplate[]>();
    for (const x of templates.data ?? []) map.set(x.kind, [...(map.get(x.kind) ?? []), x]);
    return [...map.entries()];
  }, [templates.data]);

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" title={t('notify.templates')}>
        <Typography.Text type="secondary">{t('notify.templatesHint')}</Typography.Text>
      </Card>
      {templates.error && <Alert type="error" showIcon message={errorText(t, templates.error)} />}
      {!templates.isLoading && kinds.length === 0 && <Empty />}
      {kinds.map(([kind, list]) => (
        <TemplateEditor key={kind} kind={kind} templates={list} />
      ))}
    </Space>
  );
}
