/**
 * A flow document (src/flows/document.ts on the server) as the editor holds it, and as nodes and
 * edges on the canvas: each node's exits are its outgoing edges, a menu's options too (as
 * `key 1` …). The server's schema stays the judge of what is valid: the editor only knows which
 * exits each node type has and what a new node starts with.
 */
import type { Edge } from '@xyflow/react';

export type FlowNodeData = Record<string, unknown> & { type: string; exits?: Record<string, string>; options?: Record<string, string> };

export interface EditorDocument {
  start: string;
  /** Kept as they came: the editor does not edit the document's language and variables. */
  rest: Record<string, unknown>;
  nodes: Record<string, FlowNodeData>;
  /** Where the nodes were on the canvas when the flow was saved (the document's `layout`). */
  placed: Record<string, Position>;
}

export interface Position {
  x: number;
  y: number;
}

export interface FlowProblem {
  node?: string;
  path: string;
  message: string;
}

/** The exits of each node type, as the server's schema names them. */
export const exitSlots: Record<string, readonly string[]> = {
  play: ['next'],
  say: ['next'],
  readback: ['next'],
  gather: ['done', 'fail'],
  menu: ['fail'],
  condition: ['true', 'false'],
  set: ['next'],
  schedule: ['open', 'closed', 'holiday'],
  http: ['ok', 'fail'],
  record: ['next', 'fail'],
  case_status: ['next', 'notFound'],
  voicemail: ['next'],
  survey: ['next'],
  dial: ['next', 'fail'],
  queue: ['fail', 'overflow'],
  language: ['next'],
  subflow: ['next'],
  hangup: [],
  return: [],
};

/** What a node added from the toolbar starts with (its exits are drawn on the canvas). */
export const nodeTemplates: Record<string, Record<string, unknown>> = {
  say: { text: '您好，欢迎致电。', bargeIn: false },
  play: { prompts: ['welcome'] },
  readback: { value: '{{caller}}', as: 'digits' },
  gather: { prompt: { text: '请输入号码，以井号键结束。' }, variable: 'digits', maxDigits: 20, timeout: 5, retries: 2 },
  menu: { prompt: { text: '请按 1。' }, options: {}, timeout: 5, retries: 2 },
  condition: { value: '{{caller}}', test: 'isSet' },
  set: { values: {} },
  schedule: { open: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }] },
  http: { method: 'GET', url: 'https://example.com/api?caller={{caller}}', results: {} },
  record: { prompt: { text: '请在提示音后留言。' } },
  voicemail: { mailbox: 'general' },
  dial: { targets: ['1001'] },
  queue: { queue: 'consultation' },
  language: { language: 'en' },
  subflow: { flow: '' },
  hangup: {},
  return: {},
};

export const nodeTypes = Object.keys(nodeTemplates);

/** A menu's option handles are `key <digit>`; the `key +` handle adds the next free key. */
export const newKeyHandle = 'key +';

export function fromDocument(document: unknown): EditorDocument {
  const { start, nodes, layout: placed, ...rest } = (document ?? {}) as { start?: string; nodes?: Record<string, FlowNodeData>; layout?: Record<string, Position> };
  return { start: start ?? '', rest, nodes: nodes ?? {}, placed: placed ?? {} };
}

/** The flow document to save, with where each of its nodes is on the canvas now (`positions`, by node id). */
export function toDocument(editing: EditorDocument, positions: Record<string, Position> = editing.placed): Record<string, unknown> {
  const layout = Object.fromEntries(
    Object.keys(editing.nodes)
      .filter((id) => positions[id] !== undefined)
      .map((id) => [id, { x: Math.round(positions[id]!.x), y: Math.round(positions[id]!.y) }]),
  );
  return { ...editing.rest, start: editing.start, nodes: editing.nodes, layout };
}

/** The node ids `node` leads to, by handle (exit name, or `key <digit>` of a menu). */
export function exitsOf(node: FlowNodeData): [handle: string, target: string][] {
  const found: [string, string][] = Object.entries(node.exits ?? {});
  if (node.type === 'menu') found.push(...Object.entries(node.options ?? {}).map(([key, target]): [string, string] => [`key ${key}`, target]));
  return found;
}

export function edgesOf(editing: EditorDocument, selected: string | undefined): Edge[] {
  return Object.entries(editing.nodes).flatMap(([id, node]) =>
    exitsOf(node)
      .filter(([, target]) => editing.nodes[target] !== undefined)
      .map(([handle, target]) => {
        const edgeId = `${id}:${handle}`;
        return { id: edgeId, source: id, sourceHandle: handle, target, label: handle, selected: edgeId === selected };
      }),
  );
}

/** A new node's id: its type and the first free number. */
export function freshId(editing: EditorDocument, type: string): string {
  const stem = type.replace(/_/g, '-');
  let n = 1;
  while (editing.nodes[`${stem}${n}`] !== undefined) n++;
  return `${stem}${n}`;
}

export function withNode(editing: EditorDocument, id: string, type: string): EditorDocument {
  const node: FlowNodeData = { type, ...structuredClone(nodeTemplates[type] ?? {}), ...(exitSlots[type]?.length ? { exits: {} } : {}) };
  return { ...editing, start: editing.start === '' ? id : editing.start, nodes: { ...editing.nodes, [id]: node } };
}

/** Removes a node and every exit that led to it. */
export function withoutNode(editing: EditorDocument, id: string): EditorDocument {
  const nodes = Object.fromEntries(
    Object.entries(editing.nodes)
      .filter(([other]) => other !== id)
      .map(([other, node]) => [other, unlinked(node, (_, target) => target === id)]),
  );
  return { ...editing, start: editing.start === id ? '' : editing.start, nodes };
}

/** Points exit `handle` of `source` at `target` (a menu's `key +` takes the next free key). */
export function withLink(editing: EditorDocument, source: string, handle: string, target: string): EditorDocument {
  const node = editing.nodes[source];
  if (node === undefined) return editing;
  let changed: FlowNodeData;
  if (handle.startsWith('key ')) {
    const options = { ...(node.options ?? {}) };
    const key = handle === newKeyHandle ? [...'1234567890*#'].find((k) => options[k] === undefined) : handle.slice(4);
    if (key === undefined) return editing;
    options[key] = target;
    changed = { ...node, options };
  } else {
    changed = { ...node, exits: { ...(node.exits ?? {}), [handle]: target } };
  }
  return { ...editing, nodes: { ...editing.nodes, [source]: changed } };
}

/** Removes the edge `edgeId` (`<source>:<handle>`). */
export function withoutLink(editing: EditorDocument, edgeId: string): EditorDocument {
  const at = edgeId.indexOf(':');
  const source = edgeId.slice(0, at);
  const handle = edgeId.slice(at + 1);
  const node = editing.nodes[source];
  if (node === undefined) return editing;
  return { ...editing, nodes: { ...editing.nodes, [source]: unlinked(node, (exit) => exit === handle) } };
}

function unlinked(node: FlowNodeData, drop: (handle: string, target: string) => boolean): FlowNodeData {
  const out: FlowNodeData = { ...node };
  if (node.exits !== undefined) out.exits = Object.fromEntries(Object.entries(node.exits).filter(([exit, target]) => !drop(exit, target)));
  if (node.options !== undefined) out.options = Object.fromEntries(Object.entries(node.options).filter(([key, target]) => !drop(`key ${key}`, target)));
  return out;
}

/** Places nodes in columns by their distance from the start, for a document that has no layout. */
export function layout(editing: EditorDocument): Record<string, Position> {
  const depth = new Map<string, number>();
  const queue = editing.start in editing.nodes ? [editing.start] : [];
  if (queue[0] !== undefined) depth.set(queue[0], 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const [, target] of exitsOf(editing.nodes[id]!)) {
      if (editing.nodes[target] === undefined || depth.has(target)) continue;
      depth.set(target, depth.get(id)! + 1);
      queue.push(target);
    }
  }
  // One column per distance from the start, left to right; the nodes not reached go last.
  const taken = new Map<number, number>();
  const unreached = Math.max(0, ...depth.values()) + 1;
  return Object.fromEntries(
    Object.keys(editing.nodes).map((id) => {
      const column = depth.get(id) ?? unreached;
      const place = taken.get(column) ?? 0;
      taken.set(column, place + 1);
      return [id, { x: 40 + column * 290, y: 40 + place * 150 }];
    }),
  );
}

/** The problems the server found, by the node they name (`''`: the document as a whole). */
export function problemsByNode(problems: FlowProblem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const problem of problems) {
    const key = problem.node ?? '';
    // Pinned to its node, a problem's path goes on from the node (`exits.done`, not `nodes.menu1.exits.done`).
    const path = problem.node === undefined ? problem.path : problem.path.replace(new RegExp(`^nodes\\.${problem.node}\\.?`), '');
    out.set(key, [...(out.get(key) ?? []), path === '' ? problem.message : `${path}: ${problem.message}`]);
  }
  return out;
}
