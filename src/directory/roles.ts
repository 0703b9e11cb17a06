/**
 * Roles a user can hold. The first four are the platform's tiers; the rest are the task roles of
 * FEATURES D5 (registrar, dispatcher, handler, statistician) and the expert seat.
 */
export const roles = [
  'platform_admin',
  'tenant_admin',
  'supervisor',
  'agent',
  'registrar',
  'dispatcher',
  'handler',
  'statistician',
  'expert',
] as const;

export type Role = (typeof roles)[number];

/** The platform administrator may do everything any role may. */
export function hasAnyRole(held: readonly string[], allowed: readonly Role[]): boolean {
  return held.includes('platform_admin') || allowed.some((role) => held.includes(role));
}
