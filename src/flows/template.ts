/** Placeholder until the flow-parts branch lands: `{{name}}` replaced by the variable's value. */
import type { NodeOf } from './document.js';

export type Variables = Map<string, string>;

export function renderTemplate(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_m, name: string) => variables.get(name) ?? '');
}

export function testCondition(node: NodeOf<'condition'>, variables: ReadonlyMap<string, string>): boolean {
  const value = renderTemplate(node.value, variables);
  const against = node.against === undefined ? '' : renderTemplate(node.against, variables);
  switch (node.test) {
    case 'equals':
      return value === against;
    case 'notEquals':
      return value !== against;
    case 'lessThan':
      return Number(value) < Number(against);
    case 'greaterThan':
      return Number(value) > Number(against);
    case 'matches':
      return new RegExp(`^(?:${against})$`).test(value);
    case 'isEmpty':
      return value === '';
    case 'isSet':
      return value !== '';
  }
}
