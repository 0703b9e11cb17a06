/**
 * The agent's call as Kefu has it now (GET /calls): on hold, consulting a colleague, in a
 * conference. Read, not remembered in the page, so a page reloaded mid-call shows it as it is.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';

export interface LiveCall {
  sipCallId: string;
  held: boolean;
  /** The colleague the agent consults (the caller on hold music), or null. */
  consulting: string | null;
  conference: boolean;
}

export interface LiveCallView {
  /** Undefined: no call of the agent's now, or not read yet. */
  call: LiveCall | undefined;
  /** Reads it again (after the agent acted on it): what Kefu says now. */
  refresh(): Promise<LiveCall | undefined>;
}

/** The call `sipCallId`, read when it changes and whenever `changes` does (a conference member came or went, the phone answered). */
export function useLiveCall(sipCallId: string | null | undefined, changes: string): LiveCallView {
  const [call, setCall] = useState<LiveCall>();
  const refresh = useCallback(async () => {
    const found = sipCallId === null || sipCallId === undefined ? undefined : (await api<{ items: LiveCall[] }>('GET', '/calls')).items.find((c) => c.sipCallId === sipCallId);
    setCall(found);
    return found;
  }, [sipCallId]);
  useEffect(() => {
    refresh().catch(() => undefined);
  }, [refresh, changes]);
  return { call, refresh };
}
