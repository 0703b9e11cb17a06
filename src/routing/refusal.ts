import type { RefusalCode } from './events.js';

/** Why an event was not applied, before anything changed. */
export interface Refusal {
  code: RefusalCode;
  field: string;
  message: string;
}

export const refuse = (code: RefusalCode, field: string, message: string): Refusal => ({ code, field, message });
