/**
 * A flow: one tenant's voice service as a JSON document, validated by the zod schema below. It is
 * a graph of nodes keyed by id; each node names the node each of its exits leads to. The node
 * types are the IVR verbs of FEATURES B1–B11 (play, say, gather, menu, record …); what each
 * node does at run time is the interpreter's business, what it may say is this file's.
 *
 * Text fields are templates: `{{name}}` is replaced by a variable's value at run time
 * (`{{caller}}`, `{{case.number}}`, variables set by `set`, `gather` and `http` nodes).
 */
import { z } from 'zod';
import { caseTypes } from '../store/index.js';

export const FLOW_SCHEMA_VERSION = 1;

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const nodeId = z.string().regex(/^[A-Za-z][\w-]{0,63}$/, 'a node id: a letter, then letters, digits, _ or -');
const variableName = z.string().regex(/^[a-z][\w]{0,39}(\.[a-z][\w]{0,39})?$/i, 'a variable name such as reason or order.status');
const template = z.string().max(2000);
const seconds = (max: number) => z.number().positive().max(max);
const keys = z.string().regex(/^[0-9*#]$/, 'one key: 0-9, * or #');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');
const promptName = z.string().regex(/^[\w.-]{1,100}$/, 'a prompt name: letters, digits, . _ or -');

/** What a node plays before it listens: recorded prompts, or text spoken by text-to-speech. */
const announcement = z.union([
  z.object({ prompts: z.array(promptName).min(1).max(20) }).strict(),
  z.object({ text: template.min(1), language: z.enum(languages).optional() }).strict(),
]);
export type Announcement = z.output<typeof announcement>;

const exits = <T extends Record<string, z.ZodType>>(shape: T) => ({ exits: z.object(shape).strict() });
const next = { next: nodeId };

const play = z
  .object({ type: z.literal('play'), prompts: z.array(promptName).min(1).max(20), bargeIn: z.boolean().default(false), loop: z.number().int().min(1).max(100).default(1), ...exits(next) })
  .strict();
const say = z
  .object({ type: z.literal('say'), text: template.min(1), language: z.enum(languages).optional(), bargeIn: z.boolean().default(false), ...exits(next) })
  .strict();
const readback = z
  .object({
    type: z.literal('readback'),
    value: template.min(1),
    as: z.enum(['digits', 'number', 'amount', 'date']),
    language: z.enum(languages).optional(),
    ...exits(next),
  })
  .strict();
const gather = z
  .object({
    type: z.literal('gather'),
    prompt: announcement,
    variable: variableName,
    minDigits: z.number().int().min(1).max(32).default(1),
    maxDigits: z.number().int().min(1).max(32).default(20),
    timeout: seconds(60).default(5),
    interDigitTimeout: seconds(30).default(3),
    terminator: keys.default('#'),
    /** A JavaScript-free check of the answer: a regular expression the digits must match whole. */
    pattern: z.string().max(200).optional(),
    retries: z.number().int().min(0).max(9).default(2),
    invalidPrompt: announcement.optional(),
    ...exits({ done: nodeId, fail: nodeId }),
  })
  .strict();
const menu = z
  .object({
    type: z.literal('menu'),
    prompt: announcement,
    timeout: seconds(60).default(5),
    retries: z.number().int().min(0).max(9).default(2),
    invalidPrompt: announcement.optional(),
    /** Key → node. */
    options: z.record(keys, nodeId).refine((o) => Object.keys(o).length > 0, 'a menu needs at least one option'),
    ...exits({ fail: nodeId }),
  })
  .strict();
const comparison = z.enum(['equals', 'notEquals', 'lessThan', 'greaterThan', 'matches', 'isEmpty', 'isSet']);
const condition = z
  .object({
    type: z.literal('condition'),
    value: template,
    test: comparison,
    against: template.optional(),
    ...exits({ true: nodeId, false: nodeId }),
  })
  .strict()
  .refine((n) => n.test === 'isEmpty' || n.test === 'isSet' || n.against !== undefined, {
    message: 'this test compares the value against something: give `against`',
    path: ['against'],
  });
const set = z
  .object({ type: z.literal('set'), values: z.record(variableName, template), ...exits(next) })
  .strict();
const schedule = z
  .object({
    type: z.literal('schedule'),
    /** IANA zone; the tenant's zone when left out. */
    timeZone: z.string().max(64).optional(),
    open: z
      .array(
        z
          .object({ days: z.array(z.number().int().min(1).max(7)).min(1), from: clockTime, to: clockTime })
          .strict()
          .refine((r) => r.from < r.to, { message: '`from` must be before `to`', path: ['to'] }),
      )
      .min(1),
    /** Whether the tenant's holiday calendar closes the service (and its make-up days open it). */
    useHolidays: z.boolean().default(true),
    ...exits({ open: nodeId, closed: nodeId, holiday: nodeId.optional() }),
  })
  .strict();
const http = z
  .object({
    type: z.literal('http'),
    method: z.enum(['GET', 'POST']).default('GET'),
    url: template.min(1),
    headers: z.record(z.string().regex(/^[\w-]{1,64}$/), template).default({}),
    body: template.optional(),
    format: z.enum(['json', 'xml']).default('json'),
    timeout: seconds(30).default(3),
    /** Variable → path in the answer (`data.status`, `order[0].id`; for XML, element names). */
    results: z.record(variableName, z.string().min(1).max(200)).default({}),
    ...exits({ ok: nodeId, fail: nodeId }),
  })
  .strict();
const record = z
  .object({
    type: z.literal('record'),
    prompt: announcement,
    beep: z.boolean().default(true),
    maxSeconds: z.number().int().min(5).max(3600).default(180),
    silenceSeconds: z.number().min(1).max(60).default(5),
    finishKey: keys.default('#'),
    /** The case this recording opens (FEATURES B4, of a G1 type); its number is read back and set as `case.number`. */
    caseType: z.enum(caseTypes).default('complaint'),
    ...exits({ next: nodeId, fail: nodeId }),
  })
  .strict();
const caseStatus = z
  .object({ type: z.literal('case_status'), prompt: announcement, ...exits({ next: nodeId, notFound: nodeId }) })
  .strict();
const voicemail = z
  .object({
    type: z.literal('voicemail'),
    mailbox: z.string().min(1).max(100),
    action: z.enum(['leave', 'retrieve']).default('leave'),
    maxSeconds: z.number().int().min(5).max(600).default(120),
    ...exits(next),
  })
  .strict();
const survey = z
  .object({
    type: z.literal('survey'),
    name: z.string().min(1).max(100),
    questions: z
      .array(z.object({ id: z.string().regex(/^[\w-]{1,40}$/), prompt: announcement, keys: z.array(keys).min(2).max(12) }).strict())
      .min(1)
      .max(20),
    ...exits(next),
  })
  .strict();
const dial = z
  .object({
    type: z.literal('dial'),
    /** Numbers or extensions tried in order (an on-duty list, FEATURES B9). */
    targets: z.array(template.min(1)).min(1).max(10),
    timeout: seconds(120).default(30),
    callerId: z.enum(['caller', 'tenant']).default('caller'),
    ...exits({ next: nodeId.optional(), fail: nodeId }),
  })
  .strict();
const queue = z
  .object({
    type: z.literal('queue'),
    queue: z.string().min(1).max(100),
    /** Higher is served sooner (C2). */
    priority: z.number().int().min(-100).max(100).default(0),
    /** A template: VIP when it renders to `true` (e.g. `{{customer.vip}}`), served ahead of others. */
    vip: template.default('{{customer.vip}}'),
    /** Skills the caller needs, with a least level (relaxed over time by the queue's settings). */
    skills: z.record(z.string().min(1).max(100), z.number().int().min(1).max(10)).default({}),
    /** `overflow`: the queue sent the caller on (its target is in `queue.overflow`); `fail`: anything else unanswered. */
    ...exits({ fail: nodeId, overflow: nodeId.optional() }),
  })
  .strict();
const language = z.object({ type: z.literal('language'), language: z.enum(languages), ...exits(next) }).strict();
const subflow = z.object({ type: z.literal('subflow'), flow: z.string().min(1).max(100), ...exits(next) }).strict();
const hangup = z.object({ type: z.literal('hangup') }).strict();
/** The end of a subflow: the calling flow goes on at the subflow node's `next` (in a main flow: hang up). */
const returnNode = z.object({ type: z.literal('return') }).strict();

export const flowNode = z.discriminatedUnion('type', [
  play,
  say,
  readback,
  gather,
  menu,
  condition,
  set,
  schedule,
  http,
  record,
  caseStatus,
  voicemail,
  survey,
  dial,
  queue,
  language,
  subflow,
  hangup,
  returnNode,
]);
export type FlowNode = z.output<typeof flowNode>;
export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;

const canvasCoordinate = z.number().finite().min(-1e6).max(1e6);

export const flowDocument = z
  .object({
    schema: z.literal(FLOW_SCHEMA_VERSION).default(FLOW_SCHEMA_VERSION),
    language: z.enum(languages).default('zh-CN'),
    start: nodeId,
    /** Variables the flow reads before any node sets them, with their starting values. */
    variables: z.record(variableName, z.string().max(2000)).default({}),
    nodes: z.record(nodeId, flowNode).refine((n) => Object.keys(n).length > 0, 'a flow needs at least one node'),
    /** Where the graphical editor placed each node on its canvas; saved and versioned with the flow, never read by a call. */
    layout: z.record(nodeId, z.object({ x: canvasCoordinate, y: canvasCoordinate }).strict()).optional(),
  })
  .strict();
export type FlowDocument = z.output<typeof flowDocument>;
export type FlowDocumentInput = z.input<typeof flowDocument>;

/** The node ids each exit of `node` leads to, by exit name (menu options as `key 1`, …). */
export function exitTargets(node: FlowNode): [exit: string, target: string][] {
  const found: [string, string][] = [];
  if ('exits' in node) {
    for (const [exit, target] of Object.entries(node.exits as Record<string, string | undefined>)) {
      if (target !== undefined) found.push([exit, target]);
    }
  }
  if (node.type === 'menu') {
    for (const [key, target] of Object.entries(node.options)) found.push([`key ${key}`, target]);
  }
  return found;
}
