/** Seeded mutations of valid SIP messages, for the parser's and the server's robustness tests. */

export { seededRandom as random } from './random.js';

const INTERESTING = Buffer.from(' \t\r\n:;,<>"\\%[]@=?/0123456789-+*.\x00\xff\xc3\x7f');

export function mutate(input: Buffer, next: () => number): Buffer {
  const pick = (n: number): number => Math.floor(next() * n);
  const byte = (): number => (next() < 0.7 ? (INTERESTING[pick(INTERESTING.length)] as number) : pick(256));
  let bytes = Buffer.from(input);
  const rounds = 1 + pick(4);
  for (let round = 0; round < rounds; round++) {
    const lines = bytes.toString('latin1').split('\r\n');
    switch (pick(9)) {
      case 0: // flip one byte
        if (bytes.length > 0) bytes[pick(bytes.length)] = byte();
        break;
      case 1: // truncate
        bytes = bytes.subarray(0, pick(bytes.length + 1));
        break;
      case 2: {
        // insert a run of bytes
        const at = pick(bytes.length + 1);
        const run = Buffer.from(Array.from({ length: 1 + pick(8) }, byte));
        bytes = Buffer.concat([bytes.subarray(0, at), run, bytes.subarray(at)]);
        break;
      }
      case 3: {
        // duplicate a line
        const at = pick(lines.length);
        lines.splice(at, 0, lines[at] ?? '');
        bytes = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      case 4: // delete a line
        lines.splice(pick(lines.length), 1);
        bytes = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      case 5: {
        // swap two lines
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        bytes = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      case 6: // a number becomes huge, negative or empty
        bytes = Buffer.from(bytes.toString('latin1').replace(/\d+/, ['99999999999999999999999', '-1', '', '4294967296', '0'][pick(5)] as string), 'latin1');
        break;
      case 7: {
        // CRLF becomes a bare LF or CR
        const text = bytes.toString('latin1');
        const at = text.indexOf('\r\n', pick(text.length));
        if (at >= 0) bytes = Buffer.from(text.slice(0, at) + (next() < 0.5 ? '\n' : '\r') + text.slice(at + 2), 'latin1');
        break;
      }
      default: {
        // repeat a slice many times
        const at = pick(bytes.length);
        const slice = bytes.subarray(at, at + 1 + pick(16));
        bytes = Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: 2 + pick(200) }, () => slice), bytes.subarray(at)]);
      }
    }
  }
  return bytes;
}
