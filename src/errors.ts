/**
 * Errors every layer may raise. Each kind of failure is one class with a stable, machine-readable
 * `code`; the API maps codes to HTTP statuses in one place (api/errors.ts) and never leaks a stack.
 */

export interface ErrorDetail {
  /** Where the problem is, e.g. `phones.1` for the second phone number of a body. */
  path: string;
  message: string;
}

export abstract class KefuError extends Error {
  abstract readonly code: string;
  readonly details: ErrorDetail[];

  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input that does not satisfy a schema or a domain rule. */
export class ValidationError extends KefuError {
  readonly code = 'ERR_VALIDATION';
}

/** The object does not exist, or belongs to another tenant (which must look the same). */
export class NotFoundError extends KefuError {
  readonly code = 'ERR_NOT_FOUND';
}

/** The object would break a uniqueness rule (a second tenant `acme`, a number owned twice). */
export class DuplicateError extends KefuError {
  readonly code = 'ERR_DUPLICATE';
}

/** An update was based on a version of the object that is no longer current. */
export class StaleVersionError extends KefuError {
  readonly code = 'ERR_STALE_VERSION';

  constructor(
    readonly entity: string,
    readonly expected: number,
    readonly current: number,
  ) {
    super(`${entity} was changed by someone else: you sent version ${expected}, it is now at ${current}`, [
      { path: 'version', message: `current version is ${current}` },
    ]);
  }
}

/** The object cannot go while others refer to it (a queue another queue overflows to). */
export class InUseError extends KefuError {
  readonly code = 'ERR_IN_USE';
}

/** The request carries no valid credentials. */
export class UnauthenticatedError extends KefuError {
  readonly code = 'ERR_UNAUTHENTICATED';
}

/** The caller is known but their roles do not allow the operation. */
export class ForbiddenError extends KefuError {
  readonly code = 'ERR_FORBIDDEN';
}

/** Too many attempts from one source; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends KefuError {
  readonly code = 'ERR_RATE_LIMITED';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A setting in the environment or kefu.yaml has a value that is not allowed. */
export class ConfigError extends KefuError {
  readonly code = 'ERR_CONFIG';
}

/**
 * A SIP message or URI given by code or configuration (not by the network) does not parse. The
 * parsers of network bytes never throw this: they return `{ ok: false, error }` instead.
 */
export class SipParseError extends KefuError {
  readonly code = 'ERR_SIP_PARSE';

  constructor(
    readonly input: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`cannot parse ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)}: ${reason} at offset ${offset}`, [
      { path: `offset.${offset}`, message: reason },
    ]);
  }
}
