/**
 * Mutated copies of valid messages (byte flips, truncations, insertions, duplicated, deleted and
 * swapped lines, huge numbers, bare LFs) fed to the parser and the stream framer. Seeded, so a
 * failure repeats: `SIP_FUZZ_SEED=… node scripts/test.mjs test/sip/robustness.test.ts`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canAnswer, createResponse, parseMessage, StreamFramer, validateRequest, validateResponse, type MessageParseResult } from '../../src/sip/index.js';
import { mutate, random } from '../helpers/sip-mutator.js';
import { INVITE, REGISTER } from './fixtures.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'sip-torture');
const SEED = Number(process.env.SIP_FUZZ_SEED ?? 0x5eed_2026);
const CASES = 12_000;


function check(result: MessageParseResult, bytes: Buffer, label: string): void {
  if (result.ok) {
    assert.ok(result.length > 0 && result.length <= bytes.length, label);
    const message = result.message;
    // Every view a later layer reads must be safe to read.
    void [message.via, message.from, message.to, message.contacts, message.callId, message.cseq, message.maxForwards, message.toTag];
    if (message.kind === 'request') validateRequest(message);
    else validateResponse(message);
    const again = parseMessage(message.serialize());
    assert.ok(again.ok || again.error.reason.length > 0, label);
  } else {
    const { offset, reason, status, partial } = result.error;
    assert.ok(Number.isInteger(offset) && offset >= 0 && offset <= bytes.length, `${label}: offset ${offset} of ${bytes.length}`);
    assert.ok(typeof reason === 'string' && reason.length > 0, label);
    assert.ok(status === undefined || [400, 505, 513].includes(status), `${label}: status ${status}`);
    if (partial !== undefined && status !== undefined && canAnswer(partial)) createResponse(partial, status).serialize();
  }
}

describe('robustness: mutated messages', () => {
  const seeds = [
    INVITE,
    REGISTER,
    ...readdirSync(CORPUS)
      .filter((name) => name.includes('valid-') && !name.startsWith('invalid-') && !name.includes('-invalid-'))
      .map((name) => readFileSync(join(CORPUS, name))),
  ];

  it(`never throws and always returns a message or a structured error (${CASES} cases, seed ${SEED})`, () => {
    const next = random(SEED);
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < CASES; i++) {
      const original = seeds[i % seeds.length] as Buffer;
      const bytes = mutate(original, next);
      const label = `case ${i} (seed ${SEED}): ${JSON.stringify(bytes.toString('latin1').slice(0, 80))}…`;
      for (const transport of ['datagram', 'stream'] as const) {
        const result = parseMessage(bytes, { transport });
        check(result, bytes, label);
        if (result.ok) ok++;
        else rejected++;
      }
      // The stream framer sees the same bytes in random chunks.
      const framer = new StreamFramer();
      let framed = 0;
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * 200);
        for (const event of framer.push(bytes.subarray(at, at + size))) {
          if (event.kind === 'message') framed += event.bytes.length;
          else if (event.kind === 'keepalive') framed += event.bytes;
          else assert.ok(event.offset >= 0 && event.offset <= bytes.length, label);
        }
        at += size;
      }
      assert.ok(framed + framer.pending <= bytes.length || framer.broken, label);
    }
    // Both outcomes occur: the mutations neither all break nor all spare the messages.
    assert.ok(ok > 1000 && rejected > 1000, `ok ${ok}, rejected ${rejected}`);
  });

  it('survives hostile shapes: huge header counts, endless folding, deep quotes, long lines', () => {
    const hostile = [
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X: y\r\n'.repeat(10_000)}\r\n`),
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nX: y\r\n${' z\r\n'.repeat(10_000)}\r\n`),
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nTo: ${'"\\'.repeat(3000)}\r\n\r\n`),
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h${';a'.repeat(3000)}\r\n\r\n`),
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nContact: ${'<sip:a@b>,'.repeat(3000)}\r\n\r\n`),
      Buffer.from(`OPTIONS sip:${'a'.repeat(100_000)}@b SIP/2.0\r\n\r\n`),
      Buffer.from(`${'\r\n'.repeat(10_000)}`),
      Buffer.alloc(100_000, 0),
      Buffer.from('SIP/2.0 200 OK\r\n\r\n'),
      Buffer.from(':\r\n\r\n'),
    ];
    for (const bytes of hostile) {
      for (const transport of ['datagram', 'stream'] as const) check(parseMessage(bytes, { transport }), bytes, bytes.subarray(0, 40).toString('latin1'));
      new StreamFramer().push(bytes);
    }
  });
});
