/**
 * Cases (FEATURES G1, G2): so far the floor an agent stands on — opening a numbered case from the
 * contact in hand, and the moves of its status. The IVR opens its own through the store (B4).
 */
export { CaseStatusError, moveCase } from './case-status.js';
export { openDeskCase, type DeskCase } from './open-case.js';
