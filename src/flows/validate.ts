/**
 * Checks a flow before it is saved or published: the schema, then the graph. Every problem names
 * the node it belongs to, so that the editor can pin it there (FEATURES B11).
 */
import type { z } from 'zod';
import { exitTargets, flowDocument, type FlowDocument, type FlowNode } from './document.js';
import { compilePattern } from './template.js';

export interface FlowProblem {
  /** The node the problem belongs to; absent for the document as a whole. */
  node?: string;
  /** Where in the document, as a dotted path (`nodes.menu.options.1`). */
  path: string;
  message: string;
}

/** What exists outside the document; a name not listed is an error. */
export interface FlowContext {
  prompts: ReadonlySet<string>;
  flows?: ReadonlySet<string>;
  mailboxes?: ReadonlySet<string>;
}

export type FlowValidation = { ok: true; document: FlowDocument } | { ok: false; problems: FlowProblem[] };

/** Variables every call has before the first node runs. */
export const builtInVariables: ReadonlySet<string> = new Set([
  'caller',
  'called',
  'originalCalled',
  'language',
  'call.id',
  'tenant.name',
  'tenant.slug',
  'customer.id',
  'customer.name',
  'customer.vip',
  'now.date',
  'now.time',
]);

/** Variables a node type sets besides those it names itself. */
const setsAlways: Partial<Record<FlowNode['type'], readonly string[]>> = {
  record: ['case.number', 'recording.seconds'],
  case_status: ['case.number', 'case.status'],
  menu: ['menu.key'],
  http: ['http.status'],
  dial: ['dial.answered'],
};

const templateVariable = /\{\{\s*([^{}\s]+)\s*\}\}/g;

export function validateFlow(input: unknown, context: FlowContext): FlowValidation {
  const parsed = flowDocument.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map(fromIssue) };
  const document = parsed.data;
  const problems = [...graphProblems(document), ...referenceProblems(document, context), ...variableProblems(document)];
  return problems.length === 0 ? { ok: true, document } : { ok: false, problems };
}

function fromIssue(issue: z.core.$ZodIssue): FlowProblem {
  const path = issue.path.map(String);
  const node = path[0] === 'nodes' && path.length > 1 ? path[1] : undefined;
  return { ...(node === undefined ? {} : { node }), path: path.join('.'), message: issue.message };
}

function graphProblems(document: FlowDocument): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const { nodes } = document;
  if (!(document.start in nodes)) {
    problems.push({ path: 'start', message: `the start node "${document.start}" does not exist` });
  }
  for (const [id, node] of Object.entries(nodes)) {
    for (const [exit, target] of exitTargets(node)) {
      if (!(target in nodes)) {
        const where = exit.startsWith('key ') ? `options.${exit.slice(4)}` : `exits.${exit}`;
        problems.push({ node: id, path: `nodes.${id}.${where}`, message: `exit "${exit}" leads to "${target}", which does not exist` });
      }
    }
  }
  if (document.start in nodes) {
    const reached = new Set<string>([document.start]);
    const pending = [document.start];
    for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
      for (const [, target] of exitTargets(nodes[id]!)) {
        if (target in nodes && !reached.has(target)) {
          reached.add(target);
          pending.push(target);
        }
      }
    }
    for (const id of Object.keys(nodes)) {
      if (!reached.has(id)) problems.push({ node: id, path: `nodes.${id}`, message: `node "${id}" cannot be reached from the start` });
    }
  }
  return problems;
}

function referenceProblems(document: FlowDocument, context: FlowContext): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const prompt = (id: string, path: string, name: string) => {
    if (!context.prompts.has(name)) problems.push({ node: id, path, message: `prompt "${name}" does not exist` });
  };
  for (const [id, node] of Object.entries(document.nodes)) {
    const at = `nodes.${id}`;
    for (const [path, announcement] of announcements(node)) {
      if ('prompts' in announcement) announcement.prompts.forEach((name, i) => prompt(id, `${at}.${path}.prompts.${i}`, name));
    }
    switch (node.type) {
      case 'play':
        node.prompts.forEach((name, i) => prompt(id, `${at}.prompts.${i}`, name));
        break;
      case 'gather':
        if (node.minDigits > node.maxDigits) {
          problems.push({ node: id, path: `${at}.minDigits`, message: 'minDigits is more than maxDigits' });
        }
        if (node.pattern !== undefined && !isRegExp(node.pattern)) {
          problems.push({ node: id, path: `${at}.pattern`, message: `pattern "${node.pattern}" is not a regular expression RE2 accepts (no look-around or back-references)` });
        }
        break;
      case 'condition':
        if (node.test === 'matches' && node.against !== undefined && !node.against.includes('{{') && !isRegExp(node.against)) {
          problems.push({ node: id, path: `${at}.against`, message: `"${node.against}" is not a regular expression RE2 accepts (no look-around or back-references)` });
        }
        break;
      case 'schedule':
        if (node.timeZone !== undefined && !isTimeZone(node.timeZone)) {
          problems.push({ node: id, path: `${at}.timeZone`, message: `"${node.timeZone}" is not a time zone` });
        }
        break;
      case 'subflow':
        if (context.flows !== undefined && !context.flows.has(node.flow)) {
          problems.push({ node: id, path: `${at}.flow`, message: `flow "${node.flow}" does not exist` });
        }
        break;
      case 'voicemail':
        if (context.mailboxes !== undefined && !context.mailboxes.has(node.mailbox)) {
          problems.push({ node: id, path: `${at}.mailbox`, message: `mailbox "${node.mailbox}" does not exist` });
        }
        break;
      case 'survey': {
        const seen = new Set<string>();
        node.questions.forEach((q, i) => {
          if (seen.has(q.id)) problems.push({ node: id, path: `${at}.questions.${i}.id`, message: `question id "${q.id}" is used twice` });
          seen.add(q.id);
        });
        break;
      }
      default:
        break;
    }
  }
  return problems;
}

/** The announcements a node plays, with their paths inside the node. */
function announcements(node: FlowNode): [string, { prompts: string[] } | { text: string }][] {
  switch (node.type) {
    case 'gather':
    case 'menu':
      return node.invalidPrompt === undefined ? [['prompt', node.prompt]] : [['prompt', node.prompt], ['invalidPrompt', node.invalidPrompt]];
    case 'record':
    case 'case_status':
      return [['prompt', node.prompt]];
    case 'survey':
      return node.questions.map((q, i) => [`questions.${i}.prompt`, q.prompt]);
    default:
      return [];
  }
}

/** Every template of a node, with its path inside the node. */
function templates(node: FlowNode): [string, string][] {
  const found: [string, string][] = announcements(node).flatMap(([path, a]) => ('text' in a ? [[`${path}.text`, a.text] as [string, string]] : []));
  switch (node.type) {
    case 'say':
      found.push(['text', node.text]);
      break;
    case 'readback':
      found.push(['value', node.value]);
      break;
    case 'condition':
      found.push(['value', node.value]);
      if (node.against !== undefined) found.push(['against', node.against]);
      break;
    case 'set':
      for (const [name, value] of Object.entries(node.values)) found.push([`values.${name}`, value]);
      break;
    case 'http':
      found.push(['url', node.url]);
      if (node.body !== undefined) found.push(['body', node.body]);
      for (const [name, value] of Object.entries(node.headers)) found.push([`headers.${name}`, value]);
      break;
    case 'dial':
      node.targets.forEach((target, i) => found.push([`targets.${i}`, target]));
      break;
    default:
      break;
  }
  return found;
}

/** The variables a template reads. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(templateVariable)].map((m) => m[1]!);
}

function variableProblems(document: FlowDocument): FlowProblem[] {
  const known = new Set([...builtInVariables, ...Object.keys(document.variables)]);
  for (const node of Object.values(document.nodes)) {
    for (const name of setsAlways[node.type] ?? []) known.add(name);
    if (node.type === 'set') Object.keys(node.values).forEach((name) => known.add(name));
    if (node.type === 'gather') known.add(node.variable);
    if (node.type === 'http') Object.keys(node.results).forEach((name) => known.add(name));
    if (node.type === 'survey') node.questions.forEach((q) => known.add(`survey.${q.id}`));
  }
  const problems: FlowProblem[] = [];
  for (const [id, node] of Object.entries(document.nodes)) {
    for (const [path, text] of templates(node)) {
      for (const name of templateVariables(text)) {
        if (!known.has(name)) problems.push({ node: id, path: `nodes.${id}.${path}`, message: `variable "${name}" is never set` });
      }
    }
  }
  return problems;
}

/** Patterns run on RE2 (see template.ts), so they are checked by it: no look-around, no back-references. */
function isRegExp(source: string): boolean {
  return compilePattern(source) !== undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
