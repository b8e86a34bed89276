import { useEffect, useMemo } from 'react';
import { ReactFlowProvider, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { Card, Space, Tag, Typography } from 'antd';
import type { ProcessDefinition } from '@liandong/contracts';
import { useTranslation } from 'react-i18next';
import { ProcessDiagram } from '../processes/ProcessDiagram.tsx';
import { useEventProcess, useProcessVersion, type InstanceView } from './tasks.api.ts';
import { localTitle } from './task-helpers.ts';

const NO_PROBLEMS = new Map<string, number>();
const ignore = () => undefined;
const STATUS_COLOR: Record<InstanceView['status'], string> = {
  running: 'processing',
  suspended: 'warning',
  failed: 'error',
  completed: 'success',
  cancelled: 'default',
};

/** The running instance if there is one, else the latest. */
function currentInstance(items: InstanceView[] | undefined): InstanceView | undefined {
  if (!items?.length) return undefined;
  return (
    items.find((i) => i.status === 'running' || i.status === 'suspended' || i.status === 'failed') ??
    [...items].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]
  );
}

/**
 * Zooms the diagram to where the event stands (the current steps and their neighbours) once it
 * has measured its nodes; a whole process fitted into a side card is too small to read.
 */
function FocusOnCurrent({ definition, current }: { definition: ProcessDefinition; current: string[] }) {
  const flow = useReactFlow();
  const ready = useNodesInitialized();
  useEffect(() => {
    if (!ready || !current.length) return;
    const near = new Set(current);
    for (const n of definition.nodes) {
      const json = JSON.stringify(n);
      // Neighbours: the steps that lead here and those it leads to (ids appear quoted in the node's exits).
      if (current.some((c) => json.includes(`"${c}"`))) near.add(n.id);
      if (current.includes(n.id)) for (const m of definition.nodes) if (json.includes(`"${m.id}"`)) near.add(m.id);
    }
    void flow.fitView({ nodes: [...near].map((id) => ({ id })), maxZoom: 1, padding: 0.2, duration: 0 });
  }, [ready, current, definition, flow]);
  return null;
}

/**
 * The event's process, read-only, with the steps it stands at highlighted. The definition is
 * readable by the command side only (the configuration center's readers); others see nothing here.
 */
export function EventProcessCard({ eventId, extraNodeIds = [] }: { eventId: string; extraNodeIds?: string[] }) {
  const { t, i18n } = useTranslation();
  const instances = useEventProcess(eventId, true);
  const instance = currentInstance(instances.data);
  const version = useProcessVersion(instance?.processKey, instance?.version, !!instance);

  const current = useMemo(() => [...new Set([...(instance?.tokens.map((tk) => tk.nodeId) ?? []), ...extraNodeIds])], [instance, extraNodeIds]);
  // The diagram's nodes carry data-testid="node-<id>": highlighting by selector keeps the shared component untouched.
  const css = current.map((id) => `.ld-event-diagram [data-testid="node-${CSS.escape(id)}"]{box-shadow:0 0 0 4px rgba(250,140,22,.55);}`).join('\n');

  if (!instance || !version.data) return null;
  return (
    <Card
      size="small"
      title={t('tasks.diagram')}
      data-testid="event-process"
      extra={
        <Space size={4} wrap>
          <Typography.Text type="secondary" className="ld-hide-mobile">
            {t('tasks.instance', { name: localTitle(version.data.definition.name, i18n.language) || instance.processKey, version: instance.version })}
          </Typography.Text>
          <Tag color={STATUS_COLOR[instance.status]}>{t(`tasks.instanceStatus.${instance.status}`)}</Tag>
        </Space>
      }
    >
      <style>{css}</style>
      <div className="ld-event-diagram" data-current={current.join(' ')}>
        <ReactFlowProvider>
          <FocusOnCurrent definition={version.data.definition} current={current} />
          <ProcessDiagram
            definition={version.data.definition}
            selectedId={null}
            problemsByNode={NO_PROBLEMS}
            editable={false}
            onSelect={ignore}
            onMove={ignore}
            onConnect={ignore}
            onDeleteEdge={ignore}
          />
        </ReactFlowProvider>
      </div>
      {current.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('tasks.diagramHint')}
        </Typography.Text>
      )}
    </Card>
  );
}
