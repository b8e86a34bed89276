import { useState } from 'react';
import { Button, Form, Input, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Condition, FieldCondition, Scalar } from '@liandong/contracts';
import { CONDITION_OPS, EVENT_FIELDS } from './process-graph.ts';

/** A flat list of field conditions (all must hold); anything richer is edited as JSON. */
function isSimple(c: Condition): c is FieldCondition | { all: FieldCondition[] } {
  if ('field' in c) return true;
  return 'all' in c && c.all.every((x) => 'field' in x);
}

function parseScalar(text: string): Scalar {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text;
}

function valueText(c: FieldCondition): string {
  if (c.value === undefined) return '';
  return Array.isArray(c.value) ? c.value.join(',') : String(c.value);
}

function withOp(c: FieldCondition, op: string, text: string): FieldCondition {
  if (op === 'exists') return { field: c.field, op: 'exists' };
  if (op === 'in' || op === 'nin')
    return {
      field: c.field,
      op,
      value: text
        .split(/[,，]/)
        .map((s) => parseScalar(s.trim()))
        .filter((v) => v !== ''),
    };
  const v = parseScalar(text);
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return { field: c.field, op, value: typeof v === 'boolean' ? String(v) : v };
  return { field: c.field, op: op as 'eq' | 'ne' | 'contains', value: v };
}

/** A decision branch's condition: rows of field, operator and value (all must hold), or JSON. */
export function ConditionEditor({ value, onChange, editable }: { value: Condition; onChange(c: Condition): void; editable: boolean }) {
  const { t } = useTranslation();
  const [json, setJson] = useState(() => JSON.stringify(value));
  if (!isSimple(value)) {
    return (
      <Form.Item label={t('processes.field.complexCondition')}>
        <Input.TextArea
          autoSize
          value={json}
          disabled={!editable}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          onChange={(e) => {
            setJson(e.target.value);
            try {
              onChange(JSON.parse(e.target.value) as Condition);
            } catch {
              // Keep typing: the text is applied once it parses.
            }
          }}
        />
      </Form.Item>
    );
  }
  const rows: FieldCondition[] = 'all' in value ? value.all : [value];
  const set = (next: FieldCondition[]) => onChange(next.length === 1 ? next[0]! : { all: next });
  return (
    <Form.Item label={t('processes.field.conditions')}>
      {rows.map((c, i) => (
        <Space.Compact key={i} block style={{ marginBottom: 6 }}>
          <Select
            style={{ width: '44%' }}
            value={c.field}
            showSearch
            onChange={(field: string) => set(rows.map((x, j) => (j === i ? { ...x, field } : x)))}
            options={[...new Set([...EVENT_FIELDS, c.field])].map((f) => ({ value: f, label: f }))}
          />
          <Select
            style={{ width: '24%' }}
            value={c.op}
            onChange={(op: string) => set(rows.map((x, j) => (j === i ? withOp(x, op, valueText(x)) : x)))}
            options={CONDITION_OPS.map((o) => ({ value: o, label: t(`processes.op.${o}`) }))}
          />
          <Input
            style={{ width: '26%' }}
            disabled={c.op === 'exists' || !editable}
            value={valueText(c)}
            onChange={(e) => set(rows.map((x, j) => (j === i ? withOp(x, x.op, e.target.value) : x)))}
          />
          <Button icon={<DeleteOutlined />} disabled={rows.length === 1 || !editable} onClick={() => set(rows.filter((_, j) => j !== i))} />
        </Space.Compact>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => set([...rows, { field: 'event.urgency', op: 'eq', value: 'urgent' }])}>
        {t('processes.field.addCondition')}
      </Button>
    </Form.Item>
  );
}
