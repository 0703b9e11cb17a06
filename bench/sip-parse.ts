/**
 * SIP message parsing and serializing speed, in one process and one thread: a softphone INVITE
 * with SDP (804 bytes) and a REGISTER with a digest Authorization (the two messages a contact
 * centre sees most), each parsed a fixed number of times after a warm-up; then the parsed INVITE
 * serialized as many times. Parsing includes the checks of Via, From, To, Call-ID, CSeq,
 * Max-Forwards, Contact and Content-Length. Prints one JSON line.
 */
import { parseMessage } from '../src/sip/index.js';
import { INVITE, REGISTER } from '../test/sip/fixtures.js';

const count = 200_000;
const warmUp = 20_000;

function perSecond(run: () => void): number {
  for (let i = 0; i < warmUp; i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(count / seconds);
}

function parseOrFail(bytes: Buffer): void {
  const result = parseMessage(bytes);
  if (!result.ok) throw new Error(`bench message does not parse: ${result.error.reason}`);
}

const invitePerSecond = perSecond(() => parseOrFail(INVITE));
const registerPerSecond = perSecond(() => parseOrFail(REGISTER));
const parsed = parseMessage(INVITE);
if (!parsed.ok) throw new Error(parsed.error.reason);
const message = parsed.message;
const serializePerSecond = perSecond(() => {
  if (message.serialize().length !== INVITE.length) throw new Error('serialize changed the INVITE');
});

const result = {
  bench: 'sip-parse',
  count,
  inviteBytes: INVITE.length,
  registerBytes: REGISTER.length,
  invitePerSecond,
  registerPerSecond,
  serializePerSecond,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
