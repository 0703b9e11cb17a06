/**
 * Templates and tests of a running flow. A text field of a flow document is a template: `{{name}}`
 * is replaced by the value of variable `name` (see validate.ts for where variables come from). It
 * is plain substitution: nothing in a template or a value is ever run, and a value is inserted
 * once, never scanned again for `{{…}}`.
 */
import { RE2JS, RE2JSException } from 're2js';
import type { NodeOf } from './document.js';

/** A call's variables: names to values, every value text. */
export type Variables = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** How a value is written into its surroundings: escaped for a URL, a JSON string, XML text. */
export type Escape = (value: string) => string;

/** The same placeholder syntax validateFlow's `templateVariables` reads. */
const placeholder = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The value of `name`, or undefined when the call has no such variable. */
export function variable(variables: Variables, name: string): string | undefined {
  if (variables instanceof Map) return variables.get(name);
  // Own properties only: `{{constructor}}` must not reach Object.prototype.
  const record = variables as Readonly<Record<string, string>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** The template with each `{{name}}` replaced by its value (escaped when asked); unknown names become ''. */
export function renderTemplate(text: string, variables: Variables, escape?: Escape): string {
  return text.replace(placeholder, (_, name: string) => {
    const value = variable(variables, name) ?? '';
    return escape === undefined ? value : escape(value);
  });
}

/** The longest regular expression (after rendering) a test compiles. */
export const maxPatternLength = 200;

const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Whether a `condition` node's test holds for these variables. `value` and `against` are rendered
 * first. Comparisons are numeric when both sides are numbers, else by code unit; `matches` is
 * `matchesWhole`. `isEmpty` holds for blank text; `isSet` holds when every variable the value
 * names has been set (even to ''), or, naming none, when the text is not blank.
 */
export function conditionHolds(node: NodeOf<'condition'>, variables: Variables): boolean {
  const value = renderTemplate(node.value, variables);
  const against = renderTemplate(node.against ?? '', variables);
  switch (node.test) {
    case 'equals':
      return value === against;
    case 'notEquals':
      return value !== against;
    case 'lessThan':
      return compare(value, against) < 0;
    case 'greaterThan':
      return compare(value, against) > 0;
    case 'matches':
      return matchesWhole(value, against);
    case 'isEmpty':
      return value.trim() === '';
    case 'isSet': {
      const names = [...node.value.matchAll(placeholder)].map((m) => m[1]!);
      return names.length === 0 ? value.trim() !== '' : names.every((name) => variable(variables, name) !== undefined);
    }
    default: {
      const unknown: never = node.test;
      throw new Error(`unknown condition test ${String(unknown)}`);
    }
  }
}

function compare(a: string, b: string): number {
  const x = a.trim();
  const y = b.trim();
  if (numeric.test(x) && numeric.test(y)) return Math.sign(Number(x) - Number(y));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether the whole of `value` matches the regular expression `source`. Patterns come from flow
 * authors and values from callers, so they run on RE2 (re2js), whose matching time is linear in
 * the value: no pattern can stall the event loop that serves every tenant's calls. RE2 has no
 * look-around or back-references; such a pattern, an invalid one or one longer than
 * `maxPatternLength` matches nothing.
 */
export function matchesWhole(value: string, source: string): boolean {
  const pattern = compilePattern(source);
  return pattern !== undefined && pattern.matches(value);
}

/** The compiled pattern, or undefined when it is too long or not one RE2 accepts (for checking flows). */
export function compilePattern(source: string): RE2JS | undefined {
  if (source.length > maxPatternLength) return undefined;
  try {
    return RE2JS.compile(source);
  } catch (error) {
    if (error instanceof RE2JSException) return undefined;
    throw error;
  }
}
