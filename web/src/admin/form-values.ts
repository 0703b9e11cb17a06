/** Between an API object and the console's form: JSON fields as text, and the API's 400 placed at the fields. */
import type { FormInstance } from 'antd';
import type { FieldProblem } from '../api.js';
import type { Field } from './resources.js';

export function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[path.at(-1)!] = value;
}

/** The form's initial values for `row` (or the defaults of a new item). */
export function toForm(fields: Field[], row: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const value = getPath(row, field.name);
    if (value === undefined) continue;
    setPath(values, field.name, field.kind === 'json' ? JSON.stringify(value, null, 2) : value);
  }
  return values;
}

export class JsonFieldError extends Error {
  constructor(readonly field: Field) {
    super('not valid JSON');
  }
}

/** The body's fields from the form: empty entries left out (null for a clearable one being edited), JSON text parsed. */
export function fromForm(fields: Field[], values: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.createOnly && !creating) continue;
    const value = getPath(values, field.name);
    if (value === undefined || value === null || value === '') {
      if (field.clearable && !creating) setPath(body, field.name, null);
      continue;
    }
    if (field.kind === 'json') {
      try {
        setPath(body, field.name, JSON.parse(String(value)));
      } catch {
        throw new JsonFieldError(field);
      }
    } else setPath(body, field.name, value);
  }
  return body;
}

/**
 * Shows each problem of a 400 at its field: the field whose path begins the problem's path
 * (`bindings.0.extensionCode` goes to `bindings`). Returns the problems no field took.
 */
export function showProblems(form: FormInstance, fields: Field[], problems: FieldProblem[]): FieldProblem[] {
  const byField = new Map<Field, string[]>();
  const rest: FieldProblem[] = [];
  for (const problem of problems) {
    const path = problem.path.split('.');
    const field = fields.filter((f) => f.name.every((key, i) => path[i] === key)).sort((a, b) => b.name.length - a.name.length)[0];
    if (field === undefined) {
      rest.push(problem);
      continue;
    }
    const extra = path.slice(field.name.length).join('.');
    byField.set(field, [...(byField.get(field) ?? []), extra === '' ? problem.message : `${extra}: ${problem.message}`]);
  }
  form.setFields([...byField].map(([field, errors]) => ({ name: field.name, errors })));
  return rest;
}
