/**
 * Paths into a business system's answer, as an `http` node's `results` name them: `data.status`,
 * `orders[0].id`, `[2]` for a top-level array; for XML, element names from the root down
 * (`reply.order.status`) and attributes with `@` (`reply.order.@id`).
 */

type Step = { key: string } | { index: number };

/** Each part: an optional key, then any number of `[n]`. */
const part = /^([^[\]]*)((?:\[\d{1,6}\])*)$/;

/** The steps of a path, or undefined when it is not one. */
export function parseAnswerPath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  for (const [i, text] of path.split('.').entries()) {
    const found = part.exec(text);
    if (found === null) return undefined;
    const [, key, indexes] = found as unknown as [string, string, string];
    if (key === '' && (i > 0 || indexes === '')) return undefined;
    if (key !== '') steps.push({ key });
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) steps.push({ index: Number(index[1]) });
  }
  return steps;
}

/**
 * The text at `path` in a parsed answer, or undefined when the path is not there. Numbers and
 * booleans are written as JSON writes them, null as '', an XML element by its text, and other
 * objects and arrays as JSON. `lenient` serves XML, where one element or several look different
 * once parsed: `[0]` of a single element is the element, and a key on repeated elements reads the
 * first of them.
 */
export function readAnswer(answer: unknown, path: string, lenient: boolean): string | undefined {
  const steps = parseAnswerPath(path);
  if (steps === undefined) return undefined;
  let at: unknown = answer;
  for (const step of steps) {
    if ('index' in step) {
      if (Array.isArray(at)) at = at[step.index];
      else if (lenient && step.index === 0 && at !== undefined) continue;
      else return undefined;
    } else {
      if (lenient && Array.isArray(at)) at = at[0];
      // Own properties of plain objects only: `constructor` or `__proto__` must not reach a prototype.
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, step.key)) return undefined;
      at = (at as Record<string, unknown>)[step.key];
    }
    if (at === undefined) return undefined;
  }
  return text(at, lenient);
}

function text(value: unknown, xml: boolean): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (xml && typeof value === 'object' && Object.hasOwn(value as object, '#text')) return text((value as Record<string, unknown>)['#text'], xml);
  if (xml && Array.isArray(value)) return value.length === 0 ? '' : text(value[0], xml);
  return JSON.stringify(value);
}
