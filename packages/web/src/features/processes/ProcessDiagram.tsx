import { useCallback, useEffect, useMemo, useRef } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useNodesState,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import {
  BranchesOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  ForkOutlined,
  MergeCellsOutlined,
  StopOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ProcessDefinition, ProcessNode } from '@liandong/contracts';
import { transitionsOf, type Kind } from './process-graph.ts';

/** Colour and icon per node kind: the same in the diagram, the add menu and the node form. */
export const KIND_STYLE: Record<Kind, { color: string; background: string; icon: React.ReactNode }> = {
  task: { color: '#1677ff', background: '#e6f4ff', icon: <UserOutlined /> },
  action: { color: '#722ed1', background: '#f9f0ff', icon: <ThunderboltOutlined /> },
  wait: { color: '#d46b08', background: '#fff7e6', icon: <ClockCircleOutlined /> },
  decision: { color: '#ad8b00', background: '#feffe6', icon: <BranchesOutlined /> },
  parallel: { color: '#08979c', background: '#e6fffb', icon: <ForkOutlined /> },
  join: { color: '#08979c', background: '#e6fffb', icon: <MergeCellsOutlined /> },
  end: { color: '#389e0d', background: '#f6ffed', icon: <CheckCircleOutlined /> },
};

interface StepData extends Record<string, unknown> {
  node: ProcessNode;
  label: string;
  kindLabel: string;
  isStart: boolean;
  problems: number;
  startLabel: string;
}

function StepNode({ data, selected }: NodeProps<Node<StepData>>) {
  const { node } = data;
  const style = KIND_STYLE[node.kind];
  const rejected = node.kind === 'end' && Boolean(node.status);
  // A rejecting or voiding end is not a success: grey rather than green.
  const border = data.problems > 0 ? '#ff4d4f' : rejected ? '#8c8c8c' : style.color;
  return (
    <div
      className={`ld-step${selected ? ' is-selected' : ''}${data.problems > 0 ? ' has-problem' : ''}`}
      data-testid={`node-${node.id}`}
      data-kind={node.kind}
      style={{
        borderColor: border,
        background: rejected ? '#fafafa' : style.background,
        borderRadius: node.kind === 'end' ? 24 : node.kind === 'decision' ? 14 : 8,
      }}
    >
      <Handle type="target" position={Position.Top} />
      <div className="ld-step-kind" style={{ color: rejected ? '#8c8c8c' : style.color }}>
        {rejected ? <StopOutlined /> : style.icon}
        <span>{data.kindLabel}</span>
        {data.isStart && <span className="ld-step-start">{data.startLabel}</span>}
        {data.problems > 0 && <span className="ld-step-problems">{data.problems}</span>}
      </div>
      <div className="ld-step-title">{data.label}</div>
      {node.kind !== 'end' && <Handle type="source" position={Position.Bottom} />}
    </div>
  );
}

const nodeTypes = { step: StepNode };

export interface ProcessDiagramProps {
  definition: ProcessDefinition;
  selectedId: string | null;
  problemsByNode: Map<string, number>;
  editable: boolean;
  onSelect(id: string | null): void;
  onMove(id: string, position: { x: number; y: number }): void;
  onConnect(from: string, to: string): void;
  onDeleteEdge(from: string, via: string): void;
}

/** The process as a flow diagram: nodes where the definition places them, edges from each node's exits. */
export function ProcessDiagram(props: ProcessDiagramProps) {
  const { definition, selectedId, problemsByNode, editable } = props;
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';

  const derived = useMemo<Node<StepData>[]>(
    () =>
      definition.nodes.map((n, i) => ({
        id: n.id,
        type: 'step',
        position: n.position ?? { x: 0, y: i * 140 },
        selected: n.id === selectedId,
        // Nodes are deleted from the form (with a confirmation), never by a stray key press.
        deletable: false,
        data: {
          node: n,
          label: n.title?.[lang] || n.id,
          kindLabel: t(`processes.kind.${n.kind}`),
          isStart: n.id === definition.start,
          startLabel: t('processes.start'),
          problems: problemsByNode.get(n.id) ?? 0,
        },
      })),
    [definition, selectedId, problemsByNode, lang, t],
  );
  // Local node state so that dragging is smooth; the position is written back on drop.
  const [nodes, setNodes, onNodesChange] = useNodesState<Node<StepData>>(derived);
  useEffect(() => setNodes(derived), [derived, setNodes]);

  const edges = useMemo<Edge[]>(() => {
    const byId = new Map(definition.nodes.map((n) => [n.id, n]));
    const out: Edge[] = [];
    for (const n of definition.nodes) {
      for (const tr of transitionsOf(n)) {
        if (!byId.has(tr.to)) continue;
        const label = edgeLabel(n, tr.via);
        const muted = tr.via === 'error' || tr.via === 'return';
        out.push({
          id: `${tr.from}|${tr.via}`,
          source: tr.from,
          target: tr.to,
          label,
          data: { via: tr.via },
          type: 'smoothstep',
          animated: tr.via === 'signal',
          markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: muted ? '#bfbfbf' : '#8c8c8c' },
          style: { stroke: muted ? '#bfbfbf' : '#8c8c8c', strokeDasharray: muted ? '5 4' : undefined },
          labelStyle: { fontSize: 12, fill: '#434343' },
          labelBgStyle: { fill: '#fff' },
          labelBgPadding: [4, 2],
          deletable: editable,
        });
      }
    }
    return out;

    function edgeLabel(n: ProcessNode, via: string): string | undefined {
      const [kind, arg] = via.split(':') as [string, string | undefined];
      switch (kind) {
        case 'outcome': {
          const o = n.kind === 'task' ? (n.outcomes ?? []).find((x) => x.key === arg) : undefined;
          return o?.title?.[lang] || arg;
        }
        case 'timer':
          return n.kind === 'wait' && n.timer
            ? t('processes.edge.timer', { d: durationWords(n.timer.duration.minutes, n.timer.duration.kind, lang) })
            : undefined;
        case 'signal':
          return n.kind === 'wait' && n.signal ? t('processes.edge.signal', { name: n.signal.name }) : undefined;
        case 'branch': {
          const b = n.kind === 'decision' ? n.branches[Number(arg)] : undefined;
          return b?.title?.[lang] || t('processes.edge.branch', { n: Number(arg) + 1 });
        }
        case 'default':
          return t('processes.edge.default');
        case 'error':
          return t('processes.edge.error');
        case 'return':
          return t('processes.edge.return');
        default:
          return undefined;
      }
    }
  }, [definition, editable, lang, t]);

  const handleConnect = useCallback((c: Connection) => c.source && c.target && c.source !== c.target && props.onConnect(c.source, c.target), [props]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeClick={(_, n) => props.onSelect(n.id)}
      onPaneClick={() => props.onSelect(null)}
      onNodeDragStop={(_, n) => props.onMove(n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) })}
      onConnect={handleConnect}
      onEdgesDelete={(es) => es.forEach((e) => props.onDeleteEdge(e.source, String((e.data as { via: string }).via)))}
      nodesDraggable={editable}
      nodesConnectable={editable}
      deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
      fitView
      fitViewOptions={{ padding: 0.15 }}
      minZoom={0.2}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={20} color="#eef0f3" />
      <Controls showInteractive={false} />
      <FitWhenAdded count={definition.nodes.length} />
    </ReactFlow>
  );
}

/** Brings every step into view when one is added (new steps are placed below the others). */
function FitWhenAdded({ count }: { count: number }) {
  const { fitView } = useReactFlow();
  const last = useRef(count);
  useEffect(() => {
    const grew = count > last.current;
    last.current = count;
    if (!grew) return;
    // After the new step has been measured, or it would be left out.
    const timer = setTimeout(() => void fitView({ padding: 0.15, duration: 300 }), 50);
    return () => clearTimeout(timer);
  }, [count, fitView]);
  return null;
}

/** "10 分钟" / "2 工作小时" / "10 min": short words for an edge label. */
export function durationWords(minutes: number, kind: 'working' | 'natural', lang: 'zh' | 'en'): string {
  const working = kind === 'working';
  if (minutes % 60 === 0 && minutes >= 60) {
    const h = minutes / 60;
    return lang === 'zh' ? `${h} ${working ? '工作小时' : '小时'}` : `${h} ${working ? 'working ' : ''}h`;
  }
  return lang === 'zh' ? `${minutes} ${working ? '工作分钟' : '分钟'}` : `${minutes} ${working ? 'working ' : ''}min`;
}
