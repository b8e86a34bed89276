import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Dropdown, Empty, Grid, Input, List, Modal, Result, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, CheckCircleOutlined, PlusOutlined, SaveOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ProcessDefinition, ProcessNode, ProcessProblem, ProcessValidation } from '@liandong/contracts';
import { ApiError } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';
import { fetchProcessVersion, useActivateProcess, useProcess, useSaveProcess, validateProcess } from './processes.api.ts';
import { connectNodes, disconnect, localProblemText, newNode, NODE_KINDS, replaceNode, type Kind } from './process-graph.ts';
import { KIND_STYLE, ProcessDiagram } from './ProcessDiagram.tsx';
import { NodeForm } from './NodeForm.tsx';
import './processes.css';

/** A brand-new process: one end node, to be drawn from there. */
function blankDefinition(key: string, name: { zh: string; en: string }): ProcessDefinition {
  return {
    key,
    name,
    variables: [],
    start: 'end',
    nodes: [{ id: 'end', kind: 'end', title: { zh: '结束', en: 'End' }, closingKind: 'normal', position: { x: 0, y: 0 } }],
  };
}

/** `/processes/:key`: the process as a flow diagram with node forms, live checks and version history. */
export default function ProcessEditorPage() {
  const { key = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const { hasRole } = useAuth();
  const editable = hasRole('admin');
  const screens = Grid.useBreakpoint();
  const isMobile = !screens.lg;
  const { data, error, isLoading } = useProcess(key);
  const save = useSaveProcess(key);
  const activate = useActivateProcess(key);

  const [draft, setDraft] = useState<ProcessDefinition | null>(null);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState('node');
  const [validation, setValidation] = useState<ProcessValidation | null>(null);
  const [checking, setChecking] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const [note, setNote] = useState('');
  const [activateOnSave, setActivateOnSave] = useState(true);
  const loadedVersion = useRef<number | null>(null);

  const newName = (location.state as { newName?: { zh: string; en: string } } | null)?.newName;
  const isNew = error instanceof ApiError && error.code === 'PROCESS_NOT_FOUND' && editable && Boolean(newName);

  // Take the server's active version when it changes (first load, after a save or an activation), unless edits are pending.
  useEffect(() => {
    if (data && !dirty && loadedVersion.current !== data.activeVersion) {
      loadedVersion.current = data.activeVersion;
      setDraft(data.definition);
    }
  }, [data, dirty]);
  useEffect(() => {
    if (isNew && !draft && newName) {
      setDraft(blankDefinition(key, newName));
      setDirty(true);
    }
  }, [isNew, draft, key, newName]);

  // Live checks: the server's validator, a moment after the last edit.
  useEffect(() => {
    if (!draft || !editable) return;
    setChecking(true);
    let cancelled = false;
    const timer = setTimeout(() => {
      validateProcess({ ...draft, version: undefined })
        .then((r) => !cancelled && setValidation(r))
        .catch(() => undefined)
        .finally(() => !cancelled && setChecking(false));
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [draft, editable]);

  const problems = useMemo((): ProcessProblem[] => validation?.problems ?? [], [validation]);
  const problemsByNode = useMemo(() => {
    const m = new Map<string, number>();
    for (const p of problems) if (p.nodeId) m.set(p.nodeId, (m.get(p.nodeId) ?? 0) + 1);
    return m;
  }, [problems]);
  const problemText = useCallback((p: ProcessProblem) => localProblemText(t, p), [t]);

  const edit = useCallback((next: ProcessDefinition) => {
    setDraft(next);
    setDirty(true);
  }, []);
  const updateNode = useCallback((node: ProcessNode) => draft && edit(replaceNode(draft, node)), [draft, edit]);

  if (isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (error && !isNew)
    return <Result status="warning" title={errorText(t, error)} extra={<Button onClick={() => navigate('/processes')}>{t('common.back')}</Button>} />;
  if (!draft) return <Spin style={{ display: 'block', marginTop: 80 }} />;

  const selectedNode = draft.nodes.find((n) => n.id === selected) ?? null;
  const nodeTitle = (id: string) => draft.nodes.find((n) => n.id === id)?.title?.[lang] || id;

  const addNode = (kind: Kind) => {
    const maxY = Math.max(0, ...draft.nodes.map((n) => n.position?.y ?? 0));
    const node = newNode(
      draft,
      kind,
      { x: 0, y: maxY + 140 },
      { zh: t(`processes.kind.${kind}`, { lng: 'zh' }), en: t(`processes.kind.${kind}`, { lng: 'en' }) },
    );
    edit({ ...draft, nodes: [...draft.nodes, node] });
    setSelected(node.id);
    setTab('node');
  };

  const doSave = async () => {
    try {
      const saved = await save.mutateAsync({ definition: draft, note: note.trim() || undefined, activate: activateOnSave });
      message.success(t(saved.activated ? 'processes.savedActive' : 'processes.savedInactive', { n: saved.version }));
      setSaveOpen(false);
      setNote('');
      setDirty(false);
      loadedVersion.current = saved.activated ? null : loadedVersion.current;
      if (isNew) navigate(`/processes/${key}`, { replace: true, state: null });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PROCESS_INVALID') {
        setValidation({ ok: false, problems: (err.details as { problems: ProcessProblem[] }).problems });
        setSaveOpen(false);
        setTab('problems');
      }
      message.error(errorText(t, err));
    }
  };

  const loadVersion = async (version: number) => {
    try {
      const v = await fetchProcessVersion(key, version);
      edit(v.definition);
      setSelected(null);
      message.info(t('processes.versions.loaded', { n: version }));
    } catch (err) {
      message.error(errorText(t, err));
    }
  };

  const confirmActivate = (version: number) =>
    modal.confirm({
      title: t('processes.versions.activateConfirm', { n: version }),
      okText: t('processes.versions.activate'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await activate.mutateAsync(version);
          message.success(t('processes.versions.activated', { n: version }));
          setDirty(false);
          loadedVersion.current = null;
        } catch (err) {
          message.error(errorText(t, err));
        }
      },
    });

  const status = !editable ? null : checking ? (
    <Tag>{t('processes.validating')}</Tag>
  ) : validation?.ok ? (
    <Tag icon={<CheckCircleOutlined />} color="success" data-testid="validation-ok">
      {t('processes.valid')}
    </Tag>
  ) : validation ? (
    <Tag icon={<WarningOutlined />} color="error" style={{ cursor: 'pointer' }} onClick={() => setTab('problems')} data-testid="validation-problems">
      {t('processes.problemCount', { count: problems.length })}
    </Tag>
  ) : null;

  const sideTabs = [
    {
      key: 'node',
      label: t('processes.tabs.node'),
      children: selectedNode ? (
        <NodeForm
          key={selectedNode.id}
          node={selectedNode}
          definition={draft}
          editable={editable}
          problems={problems.filter((p) => p.nodeId === selectedNode.id).map(problemText)}
          onChange={updateNode}
          onMakeStart={() => edit({ ...draft, start: selectedNode.id })}
          onDelete={() => {
            edit({ ...draft, nodes: draft.nodes.filter((n) => n.id !== selectedNode.id) });
            setSelected(null);
          }}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('processes.selectNode')} />
      ),
    },
    ...(editable
      ? [
          {
            key: 'problems',
            label: (
              <span>
                {t('processes.tabs.problems')}
                {problems.length > 0 && (
                  <Tag color="error" style={{ marginInlineStart: 6 }}>
                    {problems.length}
                  </Tag>
                )}
              </span>
            ),
            children:
              problems.length === 0 ? (
                <Alert type="success" showIcon message={checking ? t('processes.validating') : t('processes.valid')} />
              ) : (
                <List
                  size="small"
                  data-testid="problem-list"
                  header={<Typography.Text type="danger">{t('processes.problemsTitle')}</Typography.Text>}
                  dataSource={problems}
                  renderItem={(p) => (
                    <List.Item
                      style={{ cursor: p.nodeId ? 'pointer' : undefined }}
                      onClick={() => {
                        if (p.nodeId && draft.nodes.some((n) => n.id === p.nodeId)) {
                          setSelected(p.nodeId);
                          setTab('node');
                        }
                      }}
                    >
                      <Space direction="vertical" size={0}>
                        <Typography.Text strong>{p.nodeId ? nodeTitle(p.nodeId) : t('processes.wholeProcess')}</Typography.Text>
                        <Typography.Text>{problemText(p)}</Typography.Text>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {p.code}
                        </Typography.Text>
                      </Space>
                    </List.Item>
                  )}
                />
              ),
          },
        ]
      : []),
    {
      key: 'versions',
      label: t('processes.tabs.versions'),
      children: (
        <List
          size="small"
          data-testid="version-list"
          dataSource={data?.versions ?? []}
          renderItem={(v) => (
            <List.Item
              data-testid={`version-${v.version}`}
              data-active={v.active ? 'true' : 'false'}
              actions={
                editable
                  ? [
                      <Button key="load" size="small" type="link" onClick={() => loadVersion(v.version)}>
                        {t('processes.versions.load')}
                      </Button>,
                      ...(!v.active
                        ? [
                            <Button key="act" size="small" onClick={() => confirmActivate(v.version)}>
                              {t('processes.versions.activate')}
                            </Button>,
                          ]
                        : []),
                    ]
                  : []
              }
            >
              <Space direction="vertical" size={2}>
                <Space size={6} wrap>
                  <Typography.Text strong>{t('processes.versionN', { n: v.version })}</Typography.Text>
                  {v.active && <Tag color="green">{t('processes.versions.active')}</Tag>}
                  {v.runningInstances > 0 && <Tag>{t('processes.versions.running', { count: v.runningInstances })}</Tag>}
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatTime(v.createdAt)} · {v.createdBy ? t('processes.versions.by', { user: v.createdBy.username }) : t('processes.versions.builtin')}
                </Typography.Text>
                {v.note && v.note !== 'built-in' && <Typography.Text style={{ fontSize: 13 }}>{v.note}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      ),
    },
    ...(validation?.described
      ? [
          {
            key: 'steps',
            label: t('processes.tabs.steps'),
            children: (
              <List
                size="small"
                dataSource={validation.described[lang]}
                renderItem={(s) => (
                  <List.Item style={{ cursor: 'pointer' }} onClick={() => (setSelected(s.id), setTab('node'))}>
                    <Space direction="vertical" size={0}>
                      <Space size={6}>
                        <span style={{ color: KIND_STYLE[s.kind].color }}>{KIND_STYLE[s.kind].icon}</span>
                        <Typography.Text strong>{s.title}</Typography.Text>
                      </Space>
                      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                        {s.detail}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="ld-process-editor">
      <div className="ld-process-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/processes')} aria-label={t('common.back')} />
        <div className="ld-process-title">
          <Typography.Title level={4} style={{ margin: 0 }} ellipsis>
            {draft.name[lang]}
          </Typography.Title>
          <Space size={6} wrap>
            <Typography.Text type="secondary" code>
              {key}
            </Typography.Text>
            {data && (
              <Tag color="green" data-testid="active-version">
                {t('processes.activeVersionN', { n: data.activeVersion })}
              </Tag>
            )}
            {dirty && <Tag color="orange">{t('processes.unsaved')}</Tag>}
            {status}
          </Space>
        </div>
        {editable && (
          <Space wrap>
            <Dropdown
              menu={{
                items: NODE_KINDS.map((k) => ({
                  key: k,
                  icon: <span style={{ color: KIND_STYLE[k].color }}>{KIND_STYLE[k].icon}</span>,
                  label: t(`processes.kind.${k}`),
                })),
                onClick: ({ key: k }) => addNode(k as Kind),
              }}
            >
              <Button icon={<PlusOutlined />} data-testid="add-node">
                {t('processes.addNode')}
              </Button>
            </Dropdown>
            {dirty && data && (
              <Button
                onClick={() => {
                  setDraft(data.definition);
                  setDirty(false);
                  setSelected(null);
                }}
              >
                {t('processes.discard')}
              </Button>
            )}
            <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} onClick={() => setSaveOpen(true)} data-testid="process-save">
              {t('processes.save')}
            </Button>
          </Space>
        )}
      </div>
      {!editable && <Alert type="info" showIcon message={t('processes.readOnly')} style={{ marginBottom: 12 }} />}
      <div className={`ld-process-body${isMobile ? ' is-mobile' : ''}`}>
        <Card size="small" className="ld-process-diagram" styles={{ body: { padding: 0, height: '100%' } }} data-testid="process-diagram">
          <ProcessDiagram
            definition={draft}
            selectedId={selected}
            problemsByNode={problemsByNode}
            editable={editable}
            onSelect={(id) => {
              setSelected(id);
              if (id) setTab('node');
            }}
            onMove={(id, position) => {
              const n = draft.nodes.find((x) => x.id === id);
              if (n && (n.position?.x !== position.x || n.position?.y !== position.y)) updateNode({ ...n, position });
            }}
            onConnect={(from, to) => {
              const n = draft.nodes.find((x) => x.id === from);
              if (n) updateNode(connectNodes(n, to));
            }}
            onDeleteEdge={(from, via) => {
              const n = draft.nodes.find((x) => x.id === from);
              if (n) updateNode(disconnect(n, via));
            }}
          />
        </Card>
        <Card size="small" className="ld-process-side">
          <Tabs activeKey={tab} onChange={setTab} items={sideTabs} size="small" />
        </Card>
      </div>
      <Modal
        open={saveOpen}
        title={t('processes.saveTitle')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onOk={doSave}
        confirmLoading={save.isPending}
        onCancel={() => setSaveOpen(false)}
        okButtonProps={{ 'data-testid': 'process-save-confirm' } as never}
      >
        {problems.length > 0 && (
          <Alert type="error" showIcon message={t('processes.problemsTitle')} description={problems.map(problemText).join('；')} style={{ marginBottom: 12 }} />
        )}
        <Typography.Text>{t('processes.saveNote')}</Typography.Text>
        <Input.TextArea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('processes.saveNotePlaceholder')}
          autoSize={{ minRows: 2 }}
          maxLength={500}
          style={{ margin: '6px 0 12px' }}
        />
        <Checkbox checked={activateOnSave} onChange={(e) => setActivateOnSave(e.target.checked)}>
          {t('processes.activateOnSave')}
        </Checkbox>
      </Modal>
    </div>
  );
}
