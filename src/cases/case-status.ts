/**
 * A case's status and the moves allowed between them. The floor of FEATURES G2: an agent opens a
 * case (`open`), closes it when it is done and may open it again; the IVR's `draft` is read and
 * opened, or closed as it stands. The configurable workflow of G3 replaces this table later.
 */
import { KefuError } from '../errors.js';
import type { CaseStatus } from '../store/index.js';

/** The case cannot make that move (closing a case twice, back to draft). */
export class CaseStatusError extends KefuError {
  readonly code = 'ERR_CASE_STATUS';
}

const moves: Record<CaseStatus, readonly CaseStatus[]> = {
  draft: ['open', 'closed'],
  open: ['closed'],
  closed: ['open'],
};

/** The status a case moves to from `from`, or CaseStatusError naming the moves it has. */
export function moveCase(from: CaseStatus, to: CaseStatus): CaseStatus {
  if (moves[from].includes(to)) return to;
  throw new CaseStatusError(`a ${from} case cannot become ${to}: it can become ${moves[from].join(' or ')}`, [
    { path: 'status', message: `one of ${moves[from].join(', ')}` },
  ]);
}
