/**
 * RFC 4475 and RFC 5118 torture messages, each with the verdict ../shared/sip-torture/README.md
 * gives it: valid ones parse (and get the answer the README names, if any), invalid requests are
 * rejected with the right status, invalid responses are dropped. Bytes are read raw.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  canAnswer,
  createResponse,
  parseMessage,
  StreamFramer,
  validateRequest,
  validateResponse,
  type Message,
  type MessageParseResult,
  type SipRequest,
} from '../../src/sip/index.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'sip-torture');

type Verdict =
  /** Parses; `answer` is what validateRequest must say (undefined: process it). */
  | { verdict: 'accept'; answer?: number[] }
  /** A request the server answers with one of these statuses, by the parser or by validateRequest. */
  | { verdict: 'reject'; answer: number[]; stream?: 'stall' | 'close' }
  /** A response that must be dropped. */
  | { verdict: 'drop' };

const accept = (...answer: number[]): Verdict => (answer.length > 0 ? { verdict: 'accept', answer } : { verdict: 'accept' });
const reject = (...answer: number[]): Verdict => ({ verdict: 'reject', answer });

// The README's table, file by file.
const VERDICTS: Record<string, Verdict> = {
  // RFC 4475 §3.1.1
  'valid-wsinv.sip': accept(),
  'valid-intmeth.sip': accept(501),
  'valid-esc01.sip': accept(),
  'valid-escnull.sip': accept(),
  'valid-esc02.sip': accept(501),
  'valid-lwsdisp.sip': accept(),
  'valid-longreq.sip': accept(),
  'valid-dblreq.sip': accept(),
  'valid-semiuri.sip': accept(),
  'valid-transports.sip': accept(),
  'valid-mpart01.sip': accept(),
  'valid-unreason.sip': accept(),
  'valid-noreason.sip': accept(),
  // RFC 4475 §3.1.2
  'invalid-badinv01.sip': reject(400),
  'invalid-clerr.sip': { verdict: 'reject', answer: [400], stream: 'stall' },
  'invalid-ncl.sip': { verdict: 'reject', answer: [400], stream: 'close' },
  'invalid-scalar02.sip': reject(400),
  'invalid-scalarlg.sip': { verdict: 'drop' },
  'invalid-quotbal.sip': reject(400),
  'invalid-ltgtruri.sip': reject(400),
  'invalid-lwsruri.sip': reject(400),
  'invalid-lwsstart.sip': reject(400),
  'invalid-trws.sip': reject(400),
  'invalid-escruri.sip': reject(400),
  'invalid-baddate.sip': reject(400),
  'invalid-regbadct.sip': reject(400),
  'invalid-badaspec.sip': reject(400),
  'invalid-baddn.sip': reject(400),
  'invalid-badvers.sip': reject(505),
  'invalid-mismatch01.sip': reject(400),
  'invalid-mismatch02.sip': reject(501, 400),
  'invalid-bigcode.sip': { verdict: 'drop' },
  // RFC 4475 §3.2 to §3.4
  'valid-badbranch.sip': accept(),
  'invalid-insuf.sip': reject(400),
  'valid-unkscm.sip': accept(416),
  'valid-novelsc.sip': accept(416, 404),
  'valid-unksm2.sip': accept(400),
  'valid-bext01.sip': accept(420),
  'valid-invut.sip': accept(415),
  'valid-regaut01.sip': accept(),
  'invalid-multi01.sip': reject(400),
  'invalid-mcl01.sip': { verdict: 'reject', answer: [400], stream: 'close' },
  'valid-bcast.sip': accept(),
  'valid-zeromf.sip': accept(),
  'valid-cparam01.sip': accept(),
  'valid-cparam02.sip': accept(),
  'valid-regescrt.sip': accept(),
  'valid-sdp01.sip': accept(406, 400),
  'valid-inv2543.sip': accept(),
  'invalid-test.sip': reject(400),
  // RFC 5118
  'ipv6-valid-ipv6-good.sip': accept(),
  'ipv6-invalid-ipv6-bad.sip': reject(400),
  'ipv6-valid-port-ambiguous.sip': accept(),
  'ipv6-valid-port-unambiguous.sip': accept(),
  'ipv6-valid-via-received-param-with-delim.sip': accept(),
  'ipv6-valid-via-received-param-no-delim.sip': accept(),
  'ipv6-valid-ipv6-in-sdp.sip': accept(),
  'ipv6-valid-mult-ip-in-header.sip': accept(),
  'ipv6-valid-mult-ip-in-sdp.sip': accept(),
  'ipv6-valid-ipv4-mapped-ipv6.sip': accept(),
  'ipv6-valid-ipv6-bug-abnf-3-colons.sip': accept(),
  'ipv6-valid-ipv6-correct-abnf-2-colons.sip': accept(),
};

const files = readdirSync(CORPUS).filter((name) => name.endsWith('.sip')).sort();
const read = (name: string): Buffer => readFileSync(join(CORPUS, name));

/** The status a server answers a request with, or 'drop', or 'process'. */
function outcomeOf(result: MessageParseResult): number | 'drop' | 'process' {
  if (!result.ok) return result.error.status ?? 'drop';
  const message = result.message;
  if (message.kind === 'response') return validateResponse(message) ? 'process' : 'drop';
  return validateRequest(message)?.status ?? 'process';
}

function parsed(name: string): Message {
  const result = parseMessage(read(name));
  assert.ok(result.ok, `${name}: ${result.ok ? '' : result.error.reason}`);
  return result.message;
}

function request(name: string): SipRequest {
  const message = parsed(name);
  assert.equal(message.kind, 'request');
  return message as SipRequest;
}

describe('RFC 4475 / RFC 5118 torture corpus', () => {
  it('holds the 62 files the README lists, each with a verdict', () => {
    assert.equal(files.length, 62);
    assert.deepEqual(files, Object.keys(VERDICTS).sort());
  });

  for (const name of files) {
    const expected = VERDICTS[name] as Verdict;
    it(`${name}: ${expected.verdict}${'answer' in expected && expected.answer ? ` (${expected.answer.join(' or ')})` : ''}`, () => {
      const bytes = read(name);
      const result = parseMessage(bytes);
      const outcome = outcomeOf(result);
      if (expected.verdict === 'accept') {
        assert.ok(result.ok, `MUST parse: ${result.ok ? '' : `${result.error.reason} at ${result.error.offset}`}`);
        if (expected.answer) assert.ok(expected.answer.includes(outcome as number), `answer ${outcome}, expected ${expected.answer.join('/')}`);
        else assert.equal(outcome, 'process');
      } else if (expected.verdict === 'reject') {
        assert.ok(expected.answer.includes(outcome as number), `answer ${outcome}, expected ${expected.answer.join('/')}`);
      } else assert.equal(outcome, 'drop');
      if (!result.ok) {
        assert.ok(result.error.offset >= 0 && result.error.offset <= bytes.length, 'error offset inside the input');
        assert.ok(result.error.reason.length > 0);
      }
    });
  }

  it('points the error offset at the fault', () => {
    const at: Record<string, string> = {
      'invalid-ncl.sip': '-999',
      'invalid-scalar02.sip': '36893488147419103232',
      'invalid-quotbal.sip': '"Mr. J. User <sip:',
      'invalid-badvers.sip': 'SIP/7.0',
      'invalid-regbadct.sip': '?Route=',
      'invalid-mcl01.sip': '5\r\n',
      'invalid-escruri.sip': '?Route=',
      'invalid-ltgtruri.sip': '<sip:',
      'invalid-multi01.sip': '59 INVITE',
      'invalid-badaspec.sip': ' sip:t.watson',
      'ipv6-invalid-ipv6-bad.sip': '2001:db8::10 ',
    };
    for (const [name, text] of Object.entries(at)) {
      const bytes = read(name);
      const result = parseMessage(bytes);
      assert.ok(!result.ok, name);
      assert.equal(bytes.subarray(result.error.offset, result.error.offset + text.length).toString('latin1'), text, `${name}: ${result.error.reason}`);
    }
  });

  it('answers a rejected request whose headers allow it, copying Via, From, To, Call-ID and CSeq', () => {
    for (const name of files) {
      const result = parseMessage(read(name));
      if (result.ok || result.error.partial === undefined || result.error.status === undefined) continue;
      const partial = result.error.partial;
      if (!canAnswer(partial)) continue;
      const response = createResponse(partial, result.error.status, { warning: { agent: 'kefu', text: result.error.reason } });
      // The copies are verbatim, even of a value that made the request bad (scalar02's CSeq), so
      // that the client can match the answer to its request.
      assert.ok(response.serialize().toString('latin1').startsWith(`SIP/2.0 ${result.error.status} `), name);
      for (const header of ['via', 'from', 'call-id', 'cseq']) {
        assert.deepEqual(response.headers.getAll(header), partial.headers.getAll(header), `${name} ${header}`);
      }
      assert.equal(response.headers.get('warning')?.startsWith('399 kefu "'), true);
    }
    const badvers = parseMessage(read('invalid-badvers.sip'));
    assert.ok(!badvers.ok && badvers.error.status === 505 && badvers.error.partial?.method === 'OPTIONS');
  });

  it('re-serializes every valid message into bytes that parse to the same structure', () => {
    for (const name of files) {
      const result = parseMessage(read(name));
      if (!result.ok) continue;
      const again = parseMessage(result.message.serialize());
      assert.ok(again.ok, `${name}: ${again.ok ? '' : again.error.reason}`);
      const strip = (message: Message): [string, string][] =>
        message.headers.fields.filter((field) => field.key !== 'content-length').map((field) => [field.name, field.value]);
      assert.equal(again.message.startLine(), result.message.startLine(), name);
      assert.deepEqual(strip(again.message), strip(result.message), name);
      assert.deepEqual(again.message.body, result.message.body, name);
    }
  });

  it('frames every message with a Content-Length on a stream split at every byte, and two back to back', () => {
    for (const name of files) {
      const result = parseMessage(read(name));
      if (!result.ok || !result.message.headers.has('content-length')) continue;
      const bytes = read(name).subarray(0, result.length);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const framer = new StreamFramer();
        const events = [...framer.push(bytes.subarray(0, cut)), ...framer.push(bytes.subarray(cut))];
        assert.equal(events.length, 1, `${name} cut at ${cut}`);
        assert.deepEqual(events[0], { kind: 'message', bytes });
      }
      const events = new StreamFramer().push(Buffer.concat([bytes, bytes]));
      assert.deepEqual(events.map((event) => event.kind), ['message', 'message'], name);
      for (const event of events) {
        assert.ok(event.kind === 'message' && parseMessage(event.bytes, { transport: 'stream' }).ok, name);
      }
    }
  });

  it('stalls on clerr (waits for 9999 bytes) and closes on ncl and mcl01 (RFC 4475 §3.1.2.2, §3.1.2.3, §3.3.9)', () => {
    const clerr = new StreamFramer();
    assert.deepEqual(clerr.push(read('invalid-clerr.sip')), []);
    assert.equal(clerr.broken, false);
    for (const name of ['invalid-ncl.sip', 'invalid-mcl01.sip']) {
      const framer = new StreamFramer();
      assert.equal(framer.push(read(name))[0]?.kind, 'error', name);
      assert.equal(framer.broken, true);
      assert.deepEqual(framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n')), [], 'nothing more is read');
    }
    const inv2543 = parseMessage(read('valid-inv2543.sip'), { transport: 'stream' });
    assert.ok(!inv2543.ok && /mandatory/.test(inv2543.error.reason), 'no Content-Length on a stream');
  });

  it('answers 501 with Allow, 420 with Unsupported and 415 with Accept', () => {
    const intmeth = validateRequest(request('valid-intmeth.sip'));
    assert.equal(intmeth?.status, 501);
    assert.ok(intmeth?.headers.some(([header, value]) => header === 'Allow' && value.includes('INVITE')));
    const bext = validateRequest(request('valid-bext01.sip'));
    assert.deepEqual(bext?.headers, [['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither']]);
    assert.equal(validateRequest(request('valid-bext01.sip'), { extensions: ['nothingSupportsThis', 'nothingSupportsThisEither'] }), undefined);
    assert.equal(validateRequest(request('valid-invut.sip'))?.headers[0]?.[0], 'Accept');
    assert.equal(validateRequest(request('valid-zeromf.sip'), { role: 'proxy' })?.status, 483, 'a proxy answers Max-Forwards 0 with 483');
  });
});
