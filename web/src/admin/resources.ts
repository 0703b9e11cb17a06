/**
 * The admin console's resources, described once: where each lives in the API, the columns of its
 * table and the fields of its form. ResourcePage turns a description into a page; flows and
 * prompts, which are more than a table and a form, have pages of their own.
 */
import type { MessageKey } from '../i18n.js';

export type FieldKind = 'text' | 'password' | 'number' | 'switch' | 'select' | 'multi' | 'tags' | 'json';

export interface Field {
  /** The body's path, e.g. ['settings', 'wrapUpSeconds']: the API's 400 names the same path. */
  name: string[];
  label: MessageKey;
  kind: FieldKind;
  options?: readonly string[];
  required?: boolean;
  /** Sent only when creating (a password, a queue's name). */
  createOnly?: boolean;
  /** Left empty when editing, it is sent as null: the value is removed (not kept as it was). */
  clearable?: boolean;
}

export interface Column {
  /** A path into the row, e.g. ['settings', 'strategy']. */
  path: string[];
  label: MessageKey;
}

export interface Resource {
  key: string;
  title: MessageKey;
  /** The API's collection, under /api/v1. */
  path: string;
  /** How an item is addressed: its id, or (queues) its name. */
  idField: 'id' | 'name';
  /** `patch`: PATCH with the fields and the version; `put-settings`: PUT { version, settings } (queues). */
  update: 'patch' | 'put-settings';
  columns: Column[];
  fields: Field[];
  /** Values a new item's form starts with. */
  defaults?: Record<string, unknown>;
  /** In the menu of the platform's administrators only (tenants, K1). */
  platformOnly?: boolean;
}

const roles = ['tenant_admin', 'supervisor', 'agent', 'registrar', 'dispatcher', 'handler', 'statistician', 'expert'] as const;
const strategies = ['longest_idle', 'round_robin', 'ring_all', 'fewest_calls', 'least_talk_time', 'random', 'skills_weighted'] as const;

export const tableResources: Resource[] = [
  {
    key: 'numbers',
    title: 'admin.numbers',
    path: '/numbers',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['number'], label: 'field.number' },
      { path: ['kind'], label: 'field.kind' },
      { path: ['label'], label: 'field.label' },
    ],
    fields: [
      { name: ['number'], label: 'field.number', kind: 'text', required: true },
      { name: ['kind'], label: 'field.kind', kind: 'select', options: ['direct', 'forwarded', 'shared'], required: true },
      { name: ['label'], label: 'field.label', kind: 'text' },
      { name: ['bindings'], label: 'field.bindings', kind: 'json' },
    ],
    defaults: { kind: 'direct', bindings: [] },
  },
  {
    key: 'users',
    title: 'admin.users',
    path: '/users',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['username'], label: 'field.username' },
      { path: ['displayName'], label: 'field.displayName' },
      { path: ['roles'], label: 'field.roles' },
      { path: ['disabled'], label: 'field.disabled' },
    ],
    fields: [
      { name: ['username'], label: 'field.username', kind: 'text', required: true, createOnly: true },
      { name: ['displayName'], label: 'field.displayName', kind: 'text', required: true },
      { name: ['email'], label: 'field.email', kind: 'text' },
      { name: ['password'], label: 'field.password', kind: 'password' },
      { name: ['roles'], label: 'field.roles', kind: 'multi', options: roles, required: true },
      { name: ['disabled'], label: 'field.disabled', kind: 'switch' },
    ],
    defaults: { roles: ['agent'], disabled: false },
  },
  {
    key: 'agents',
    title: 'admin.agents',
    path: '/agents',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['username'], label: 'field.username' },
      { path: ['displayName'], label: 'field.displayName' },
      { path: ['extension'], label: 'field.extension' },
      { path: ['skills'], label: 'field.skills' },
    ],
    fields: [
      { name: ['username'], label: 'field.username', kind: 'text', required: true, createOnly: true },
      { name: ['displayName'], label: 'field.displayName', kind: 'text', required: true },
      { name: ['password'], label: 'field.password', kind: 'password', createOnly: true },
      { name: ['extension'], label: 'field.extension', kind: 'text', required: true },
      { name: ['sipPassword'], label: 'field.sipPassword', kind: 'password' },
      { name: ['remoteNumber'], label: 'field.remoteNumber', kind: 'text', clearable: true },
      { name: ['skills'], label: 'field.skills', kind: 'json' },
    ],
    defaults: { skills: {} },
  },
  {
    key: 'queues',
    title: 'admin.queues',
    path: '/queues',
    idField: 'name',
    update: 'put-settings',
    columns: [
      { path: ['name'], label: 'field.name' },
      { path: ['settings', 'strategy'], label: 'field.strategy' },
      { path: ['settings', 'ringTimeoutSeconds'], label: 'field.ringTimeout' },
      { path: ['settings', 'wrapUpSeconds'], label: 'field.wrapUp' },
      { path: ['settings', 'serviceLevel', 'percent'], label: 'field.slPercent' },
    ],
    fields: [
      { name: ['name'], label: 'field.name', kind: 'text', required: true, createOnly: true },
      { name: ['settings', 'strategy'], label: 'field.strategy', kind: 'select', options: strategies },
      { name: ['settings', 'priority'], label: 'field.priority', kind: 'number' },
      { name: ['settings', 'ringTimeoutSeconds'], label: 'field.ringTimeout', kind: 'number' },
      { name: ['settings', 'wrapUpSeconds'], label: 'field.wrapUp', kind: 'number' },
      { name: ['settings', 'serviceLevel', 'percent'], label: 'field.slPercent', kind: 'number' },
      { name: ['settings', 'serviceLevel', 'seconds'], label: 'field.slSeconds', kind: 'number' },
      { name: ['settings', 'maxWaitSeconds'], label: 'field.maxWait', kind: 'number' },
      { name: ['settings', 'overflow'], label: 'field.overflow', kind: 'json' },
      { name: ['settings', 'announceEverySeconds'], label: 'field.announceEvery', kind: 'number' },
    ],
    defaults: { settings: { strategy: 'longest_idle', ringTimeoutSeconds: 20, wrapUpSeconds: 0, serviceLevel: { percent: 80, seconds: 20 } } },
  },
  {
    key: 'departments',
    title: 'admin.departments',
    path: '/departments',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['name'], label: 'field.name' },
      { path: ['nameEn'], label: 'field.nameEn' },
      { path: ['phones'], label: 'field.phones' },
    ],
    fields: [
      { name: ['name'], label: 'field.name', kind: 'text', required: true },
      { name: ['nameEn'], label: 'field.nameEn', kind: 'text' },
      { name: ['phones'], label: 'field.phones', kind: 'tags' },
      { name: ['description'], label: 'field.description', kind: 'text' },
    ],
  },
  {
    key: 'caller-lists',
    title: 'admin.callerLists',
    path: '/caller-lists',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['list'], label: 'field.list' },
      { path: ['number'], label: 'field.number' },
      { path: ['match'], label: 'field.match' },
      { path: ['note'], label: 'field.note' },
    ],
    fields: [
      { name: ['list'], label: 'field.list', kind: 'select', options: ['blacklist', 'whitelist'], required: true },
      { name: ['number'], label: 'field.number', kind: 'text', required: true },
      { name: ['match'], label: 'field.match', kind: 'select', options: ['exact', 'prefix'] },
      { name: ['note'], label: 'field.note', kind: 'text' },
    ],
    defaults: { list: 'blacklist', match: 'exact' },
  },
  {
    key: 'calendar',
    title: 'admin.calendar',
    path: '/calendar',
    idField: 'id',
    update: 'patch',
    columns: [
      { path: ['date'], label: 'field.date' },
      { path: ['kind'], label: 'field.kind' },
      { path: ['name'], label: 'field.name' },
    ],
    fields: [
      { name: ['date'], label: 'field.date', kind: 'text', required: true },
      { name: ['kind'], label: 'field.kind', kind: 'select', options: ['holiday', 'workday'], required: true },
      { name: ['name'], label: 'field.name', kind: 'text' },
    ],
    defaults: { kind: 'holiday' },
  },
  {
    key: 'tenants',
    title: 'admin.tenants',
    path: '/tenants',
    idField: 'id',
    update: 'patch',
    platformOnly: true,
    columns: [
      { path: ['slug'], label: 'field.slug' },
      { path: ['name'], label: 'field.name' },
      { path: ['nameEn'], label: 'field.nameEn' },
      { path: ['status'], label: 'field.status' },
      { path: ['sipRealm'], label: 'field.sipRealm' },
    ],
    fields: [
      { name: ['slug'], label: 'field.slug', kind: 'text', required: true, createOnly: true },
      { name: ['name'], label: 'field.name', kind: 'text', required: true },
      { name: ['nameEn'], label: 'field.nameEn', kind: 'text', required: true },
      // Suspended: nobody of the tenant logs in or is served (disabling a tenant).
      { name: ['status'], label: 'field.status', kind: 'select', options: ['active', 'suspended'], required: true },
      { name: ['locale'], label: 'field.locale', kind: 'select', options: ['zh-CN', 'en'] },
      { name: ['timeZone'], label: 'field.timeZone', kind: 'text' },
      { name: ['sipRealm'], label: 'field.sipRealm', kind: 'text', createOnly: true },
      { name: ['admin', 'username'], label: 'field.adminUser', kind: 'text', createOnly: true },
      { name: ['admin', 'displayName'], label: 'field.adminName', kind: 'text', createOnly: true },
      { name: ['admin', 'password'], label: 'field.adminPassword', kind: 'password', createOnly: true },
    ],
    defaults: { status: 'active', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
  },
];

/** Every page of the console, in the menu's order. */
export const adminResources: { key: string; title: MessageKey; platformOnly?: boolean }[] = [
  ...tableResources.slice(0, 5),
  { key: 'prompts', title: 'admin.prompts' },
  ...tableResources.slice(5),
  { key: 'flows', title: 'admin.flows' },
];
