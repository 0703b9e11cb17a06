/** One node on the canvas: its id and type, a line of what it does, its exits as handles, and the server's problems pinned to it. */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { Tag, Tooltip } from 'antd';
import { exitSlots, exitsOf, newKeyHandle, type FlowNodeData } from './graph.js';

export type CanvasNode = Node<{ id: string; node: FlowNodeData; start: boolean; problems: string[] }, 'flow'>;

/** A short line of what the node does, from its main field. */
function summary(node: FlowNodeData): string {
  const prompt = node.prompt as { text?: string; prompts?: string[] } | undefined;
  const main = node.text ?? prompt?.text ?? prompt?.prompts ?? node.prompts ?? node.queue ?? node.targets ?? node.url ?? node.value ?? node.mailbox ?? '';
  const text = typeof main === 'string' ? main : Array.isArray(main) ? main.join(', ') : JSON.stringify(main);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

export function FlowNodeView({ data, selected }: NodeProps<CanvasNode>) {
  const { id, node, start, problems } = data;
  const handles = [...(exitSlots[node.type] ?? []), ...(node.type === 'menu' ? [...exitsOf(node).map(([h]) => h).filter((h) => h.startsWith('key ')), newKeyHandle] : [])];
  const border = problems.length > 0 ? '#ff4d4f' : selected ? '#1677ff' : '#d9d9d9';
  // Entered from the left, left by the exits down the right side, as the canvas reads left to right.
  return (
    <div
      data-testid={`node-${id}`}
      data-problems={problems.length}
      style={{ background: '#fff', border: `2px solid ${border}`, borderRadius: 6, padding: '6px 56px 6px 10px', width: 220, minHeight: 24 + handles.length * 18, fontSize: 12 }}
    >
      <Handle type="target" position={Position.Left} data-testid={`target-${id}`} style={{ width: 12, height: 12 }} />
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 4 }}>
        <strong>{id}</strong>
        {start && <Tag color="green">start</Tag>}
      </div>
      <Tag>{node.type}</Tag>
      <div style={{ color: '#666', minHeight: 16 }}>{summary(node)}</div>
      {problems.length > 0 && (
        <Tooltip title={problems.join('\n')}>
          <div data-testid="node-problem" style={{ color: '#ff4d4f' }}>
            ⚠ {problems[0]}
            {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
          </div>
        </Tooltip>
      )}
      {handles.map((handle, index) => {
        const top = `${((index + 1) / (handles.length + 1)) * 100}%`;
        return (
          <div key={handle}>
            <span style={{ position: 'absolute', right: 10, top, transform: 'translateY(-50%)', fontSize: 10, color: '#999' }}>{handle}</span>
            <Handle type="source" id={handle} position={Position.Right} data-testid={`handle-${id}-${handle.replace(' ', '-')}`} style={{ top, width: 12, height: 12 }} />
          </div>
        );
      })}
    </div>
  );
}
