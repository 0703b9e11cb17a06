import { sql, type RawBuilder } from 'kysely';

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Escapes the wildcards of a LIKE pattern so that user text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A one-element text[] for `@>` (contains) tests; a bare JS array would be read as a value list. */
export function textArray(value: string): RawBuilder<string[]> {
  return sql<string[]>`array[${value}]::text[]`;
}
