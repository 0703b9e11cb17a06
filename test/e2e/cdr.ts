/** Reading CDRs from a node's API in the end-to-end tests. */

export interface TraceEntry {
  at: number;
  node: string;
  event: string;
  text?: string;
  digits?: string;
}

export interface Cdr {
  sipCallId: string;
  callId: string | null;
  leg: 'caller' | 'callee' | 'transfer';
  direction: 'inbound' | 'outbound';
  caller: string | null;
  called: string | null;
  target: string | null;
  originalCalled: string | null;
  flow: string | null;
  flowVersion: number | null;
  cause: string | null;
  endedBy: string | null;
  sipStatus: number | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  trace: TraceEntry[];
}

/**
 * The newest CDR matching `query` once it is complete: Kefu finishes a CDR just after the call
 * ends, so a test that has seen the call end may look a moment too early.
 */
export async function finishedCdr(url: string, cookie: string, query = ''): Promise<Cdr> {
  for (let tries = 0; ; tries++) {
    const response = await fetch(`${url}/api/v1/cdrs?limit=1${query === '' ? '' : `&${query}`}`, { headers: { cookie } });
    const cdr = ((await response.json()) as { items: Cdr[] }).items[0];
    if (cdr !== undefined && cdr.endedAt !== null) return cdr;
    if (tries === 200) throw new Error(`no finished CDR for ${query || 'the last call'}: ${JSON.stringify(cdr)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
