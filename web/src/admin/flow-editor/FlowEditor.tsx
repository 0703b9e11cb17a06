/**
 * The graphical flow editor (FEATURES B11): the flow's nodes and exits on a canvas
 * (@xyflow/react), a node added from the toolbar, linked by dragging from one of its exits to
 * another node, edited in the side panel; validated by the server with each problem pinned to its
 * node; saved as the draft, published as the next version, rolled back from the version history.
 */
import { Background, Controls, ReactFlow, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Alert, Button, Card, Input, Select, Space, Tag, message } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../../api.js';
import { attempt } from '../../attempt.js';
import { useI18n } from '../../i18n.js';
import { FlowNodeView, type CanvasNode } from './FlowNodeView.js';
import { FlowVersions } from './FlowVersions.js';
import { NodePanel } from './NodePanel.js';
import { edgesOf, freshId, fromDocument, layout, nodeTypes, problemsByNode, toDocument, withLink, withNode, withoutLink, withoutNode, type EditorDocument, type FlowProblem } from './graph.js';

export interface EditedFlow {
  id: string;
  name: string;
  draft: unknown;
  version: number;
  liveVersion: number | null;
}

const canvasTypes = { flow: FlowNodeView };

export function FlowEditor({ flow: initial, onClose }: { flow: EditedFlow | undefined; onClose: () => void }) {
  const { t } = useI18n();
  const [flow, setFlow] = useState(initial);
  const [name, setName] = useState(initial?.name ?? '');
  const [doc, setDoc] = useState<EditorDocument>(() => fromDocument(initial?.draft));
  const [canvas, setCanvas] = useState<CanvasNode[]>([]);
  const [selected, setSelected] = useState<string>();
  const [selectedEdge, setSelectedEdge] = useState<string>();
  const [problems, setProblems] = useState<FlowProblem[]>();
  const [adding, setAdding] = useState('say');
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState(false);

  // Fitted to the view once, when the flow opens with nodes; never again under the user's hand.
  const [fitOnOpen] = useState(() => Object.keys(doc.nodes).length > 0);
  const pinned = useMemo(() => problemsByNode(problems ?? []), [problems]);

  // The canvas follows the document; positions (and what xyflow measured) stay with their node.
  useEffect(() => {
    setCanvas((before) => {
      const placed = new Map(before.map((node) => [node.id, node]));
      // Opened: where the nodes were saved, else laid out from the start node.
      const fresh = placed.size === 0 ? { ...layout(doc), ...doc.placed } : {};
      return Object.entries(doc.nodes).map(([id, node], index) => {
        const data = { id, node, start: id === doc.start, problems: pinned.get(id) ?? [] };
        const had = placed.get(id);
        if (had !== undefined) return { ...had, data, selected: id === selected };
        // A node added from the toolbar: the next place of a grid three nodes wide, in view at zoom 1.
        return { id, type: 'flow' as const, position: fresh[id] ?? { x: 30 + (index % 3) * 260, y: 30 + Math.floor(index / 3) * 190 }, data, selected: id === selected };
      });
    });
  }, [doc, pinned, selected]);

  const edges = useMemo(() => edgesOf(doc, selectedEdge), [doc, selectedEdge]);

  function onNodesChange(changes: NodeChange<CanvasNode>[]) {
    for (const change of changes) {
      if (change.type === 'select' && change.selected) setSelected(change.id);
      if (change.type === 'remove') remove(change.id);
    }
    setCanvas((before) => applyNodeChanges(changes.filter((change) => change.type !== 'remove'), before));
  }

  function onEdgesChange(changes: EdgeChange[]) {
    for (const change of changes) {
      if (change.type === 'select') setSelectedEdge(change.selected ? change.id : undefined);
      if (change.type === 'remove') setDoc((now) => withoutLink(now, change.id));
    }
  }

  function onConnect(connection: Connection) {
    if (connection.sourceHandle !== null && connection.sourceHandle !== undefined) setDoc((now) => withLink(now, connection.source, connection.sourceHandle!, connection.target));
  }

  function add() {
    const id = freshId(doc, adding);
    setDoc(withNode(doc, id, adding));
    setSelected(id);
  }

  function remove(id: string) {
    setDoc((now) => withoutNode(now, id));
    setSelected((now) => (now === id ? undefined : now));
  }

  /** Where each node is on the canvas now, saved with the flow. */
  const positions = () => Object.fromEntries(canvas.map((node) => [node.id, node.position]));

  /** Asks the server for the document's problems; true when it has none. */
  async function validate(): Promise<boolean> {
    const result = await api<{ ok: boolean; problems: FlowProblem[] }>('POST', '/flows/validate', { document: toDocument(doc, positions()) });
    setProblems(result.problems);
    return result.ok;
  }

  /** Saves the draft (creating the flow the first time) when it is valid; the flow as saved, or undefined. */
  async function save(): Promise<EditedFlow | undefined> {
    if (!(await validate())) return undefined;
    const draft = toDocument(doc, positions());
    try {
      const saved =
        flow === undefined
          ? await api<EditedFlow>('POST', '/flows', { name, draft })
          : await api<EditedFlow>('PATCH', `/flows/${flow.id}`, { version: flow.version, ...(name === flow.name ? {} : { name }), draft });
      setFlow(saved);
      return saved;
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setProblems(failure.details.length > 0 ? failure.details : [{ path: '', message: failure.message }]);
      return undefined;
    }
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }

  const chosen = selected === undefined ? undefined : doc.nodes[selected];
  const whole = pinned.get('') ?? [];
  const unpinned = (problems ?? []).filter((problem) => problem.node !== undefined && doc.nodes[problem.node] === undefined);

  return (
    <Card
      title={
        <Space wrap>
          <Button onClick={onClose}>{t('fe.back')}</Button>
          <Input data-testid="flow-name" placeholder={t('fe.name')} value={name} disabled={flow !== undefined} onChange={(event) => setName(event.target.value)} style={{ width: 200 }} />
          {flow?.liveVersion !== null && flow?.liveVersion !== undefined && <Tag color="green">v{flow.liveVersion}</Tag>}
        </Space>
      }
      extra={
        <Space wrap>
          <Select data-testid="node-type" showSearch value={adding} onChange={setAdding} style={{ width: 130 }} options={nodeTypes.map((type) => ({ value: type, label: type }))} />
          <Button data-testid="add-node" onClick={add}>
            {t('fe.addNode')}
          </Button>
          <Button data-testid="validate" loading={busy} onClick={() => void run(async () => void (await attempt(async () => (await validate()) && void message.success(t('fe.valid')))))}>
            {t('fe.validate')}
          </Button>
          <Button data-testid="save" loading={busy} onClick={() => void run(async () => void (await attempt(async () => (await save()) !== undefined && void message.success(t('fe.saved')))))}>
            {t('fe.save')}
          </Button>
          <Button
            type="primary"
            data-testid="publish"
            loading={busy}
            onClick={() =>
              void run(async () => {
                await attempt(async () => {
                  const saved = await save();
                  if (saved === undefined) return;
                  const published = await api<EditedFlow>('POST', `/flows/${saved.id}/publish`, { version: saved.version });
                  setFlow(published);
                  void message.success(`${t('flows.published')} v${published.liveVersion}`);
                });
              })
            }
          >
            {t('flows.publish')}
          </Button>
          <Button data-testid="versions" disabled={flow === undefined} onClick={() => setHistory(true)}>
            {t('fe.versions')}
          </Button>
        </Space>
      }
      styles={{ body: { padding: 0 } }}
    >
      {problems !== undefined && problems.length > 0 && (
        <Alert type="error" data-testid="flow-problems" style={{ margin: 8 }} title={`${problems.length} ${t('fe.problems')}`} description={[...whole, ...unpinned.map((p) => `${p.node}: ${p.message}`)].join('; ') || undefined} />
      )}
      <div style={{ display: 'flex', height: 'calc(100vh - 230px)', minHeight: 420 }}>
        <div style={{ flex: 1 }} data-testid="flow-canvas">
          <ReactFlow<CanvasNode>
            nodes={canvas}
            edges={edges}
            nodeTypes={canvasTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onPaneClick={() => setSelected(undefined)}
            connectionRadius={40}
            fitView={fitOnOpen}
            fitViewOptions={{ maxZoom: 1 }}
            deleteKeyCode={['Delete', 'Backspace']}
          >
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <div style={{ width: 320, borderLeft: '1px solid #f0f0f0', padding: 12, overflow: 'auto' }}>
          {chosen === undefined || selected === undefined ? (
            <span style={{ color: '#999' }}>{t('fe.pickNode')}</span>
          ) : (
            <NodePanel
              key={selected}
              id={selected}
              node={chosen}
              start={selected === doc.start}
              problems={pinned.get(selected) ?? []}
              onChange={(node) => setDoc((now) => ({ ...now, nodes: { ...now.nodes, [selected]: node } }))}
              onStart={() => setDoc((now) => ({ ...now, start: selected }))}
              onRemove={() => remove(selected)}
            />
          )}
        </div>
      </div>
      <FlowVersions
        flow={flow}
        open={history}
        onClose={() => setHistory(false)}
        onRolledBack={(after) => {
          setFlow((now) => (now === undefined ? now : { ...now, ...after }));
          setHistory(false);
        }}
      />
    </Card>
  );
}
