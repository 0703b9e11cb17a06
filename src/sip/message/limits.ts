/** Bounds on what the parser accepts from the network; every one can be set per call. */
export interface ParseLimits {
  /** Start line, headers and body together, in bytes. */
  maxMessageBytes: number;
  /** Header fields (lines that are not continuations). */
  maxHeaderCount: number;
  /** One line on the wire, in characters, CRLF excluded. */
  maxLineLength: number;
}

// RFC 3261 §18.1.1: a UDP datagram holds at most 65,535 bytes, and messages above 1300 bytes
// already move to TCP; the header bounds are far above what any real UA sends.
export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 65_535,
  maxHeaderCount: 256,
  maxLineLength: 8_192,
});

export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  return limits === undefined ? DEFAULT_PARSE_LIMITS : { ...DEFAULT_PARSE_LIMITS, ...limits };
}
