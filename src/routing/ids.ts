/**
 * The routing core's identifiers, branded so an agent id cannot be passed where a queue id is
 * meant. They are plain strings at run time: the caller brands what it reads from the database
 * or the API with the `as…` functions, and the core brands the reservation ids it makes.
 */
declare const brand: unique symbol;
type Branded<Name extends string> = string & { readonly [brand]: Name };

export type AgentId = Branded<'AgentId'>;
export type QueueId = Branded<'QueueId'>;
export type InteractionId = Branded<'InteractionId'>;
export type ReservationId = Branded<'ReservationId'>;

export const asAgentId = (value: string): AgentId => value as AgentId;
export const asQueueId = (value: string): QueueId => value as QueueId;
export const asInteractionId = (value: string): InteractionId => value as InteractionId;
export const asReservationId = (value: string): ReservationId => value as ReservationId;

/**
 * Makes the id of each new reservation. The wiring passes one that makes the database row's id
 * (e.g. `crypto.randomUUID`), so the row can be written before the offer is sent; the default
 * counts (`r1`, `r2` …), which keeps tests and benchmarks deterministic.
 */
export type ReservationIdFactory = () => string;

export function countingIds(prefix = 'r'): ReservationIdFactory {
  let next = 0;
  return () => `${prefix}${++next}`;
}
