import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  G711_PAYLOAD_TYPE,
  G711_SILENCE,
  SAMPLES_PER_FRAME,
  g711Decode,
  g711Encode,
  g711Frames,
  g711SilenceFrame,
  g711Transcode,
  type G711Law,
} from '../../src/media/index.js';
import { readBytes, readLinear, snrDb, sox, temporaryFolder, tones } from '../helpers/audio.js';

const LAWS: readonly G711Law[] = ['PCMU', 'PCMA'];
/** What sox calls each law with `-e`. */
const SOX_ENCODING: Record<G711Law, string> = { PCMU: 'mu-law', PCMA: 'a-law' };

describe('G.711 µ-law and A-law', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  before(() => {
    folder = temporaryFolder('g711');
  });
  after(() => folder.remove());

  it('encodes silence as 0xFF in µ-law and 0xD5 in A-law, and decodes it back to 0', () => {
    const silence = new Int16Array(SAMPLES_PER_FRAME);
    assert.deepEqual([...new Set(g711Encode('PCMU', silence))], [0xff]);
    assert.deepEqual([...new Set(g711Encode('PCMA', silence))], [0xd5]);
    for (const law of LAWS) {
      assert.deepEqual([...g711SilenceFrame(law)], new Array<number>(160).fill(G711_SILENCE[law]));
      assert.ok(g711Decode(law, g711SilenceFrame(law)).every((sample) => Math.abs(sample) <= 8), `${law} silence decodes to ~0`);
    }
  });

  it('uses the static payload types of RFC 3551 (PCMU 0, PCMA 8)', () => {
    assert.deepEqual(G711_PAYLOAD_TYPE, { PCMU: 0, PCMA: 8 });
  });

  for (const law of LAWS) {
    it(`${law}: a 1 kHz sine round-trips with an SNR above 35 dB`, () => {
      // 1004 Hz is the test tone of ITU-T G.712/O.133: at exactly 1000 Hz the 8 kHz samples fall on
      // the same 8 phases every period, so the error depends on where those few points land.
      for (const [hz, levelDb] of [[1000, -10], [1004, -3], [1004, -6], [1004, -10], [1004, -20]] as const) {
        const sine = tones(1000, [{ hz, amplitude: 10 ** (levelDb / 20) }]);
        const snr = snrDb(sine, g711Decode(law, g711Encode(law, sine)));
        assert.ok(snr > 35, `${law}, ${hz} Hz at ${levelDb} dBFS: SNR ${snr.toFixed(1)} dB`);
      }
      // At −30 dBFS G.711 itself gives about 35 dB (a nearest-level quantizer does no better).
      const quiet = tones(1000, [{ hz: 1004, amplitude: 10 ** (-30 / 20) }]);
      assert.ok(snrDb(quiet, g711Decode(law, g711Encode(law, quiet))) > 34);
    });

    it(`${law}: encodes a sox-made sine as sox does, to within one step, and decodes exactly as sox does`, () => {
      const wav = folder.file(`sine-${law}.wav`);
      const g711 = folder.file(`sine-${law}.raw`);
      sox(['-n', '-r', '8000', '-c', '1', '-b', '16', wav, 'synth', '1', 'sine', '1004', 'vol', '0.5']);
      sox([wav, '-t', 'raw', '-e', SOX_ENCODING[law], '-b', '8', g711]);
      const linear = readLinear(wav);
      const soxBytes = readBytes(g711);
      const ours = g711Encode(law, linear);
      assert.equal(ours.length, soxBytes.length);
      // G.711 is defined on 14-bit (µ) or 13-bit (A) samples: sox rounds 16-bit input to those,
      // alawmulaw truncates, so a sample near a decision value may land one level apart.
      const levels = [...new Set(g711Decode(law, Uint8Array.from({ length: 256 }, (_, i) => i)))].sort((a, b) => a - b);
      const ourLevels = g711Decode(law, ours);
      const soxLevels = g711Decode(law, soxBytes);
      let differing = 0;
      for (let i = 0; i < ours.length; i += 1) {
        if (ours[i] === soxBytes[i]) continue;
        differing += 1;
        const apart = Math.abs(levels.indexOf(ourLevels[i] ?? 0) - levels.indexOf(soxLevels[i] ?? 0));
        assert.ok(apart <= 1, `sample ${i} (${linear[i]}): ours ${ourLevels[i]}, sox ${soxLevels[i]}`);
      }
      assert.ok(differing < ours.length / 5, `${differing} of ${ours.length} bytes one level apart`);
      assert.ok(Math.abs(snrDb(linear, ourLevels) - snrDb(linear, soxLevels)) < 0.5, 'the same quality as sox');
      const soxDecoded = folder.file(`decoded-${law}.wav`);
      sox(['-t', 'raw', '-e', SOX_ENCODING[law], '-b', '8', '-r', '8000', '-c', '1', g711, '-b', '16', soxDecoded]);
      assert.deepEqual(g711Decode(law, soxBytes), readLinear(soxDecoded));
    });
  }

  it('transcodes µ-law ⇄ A-law: two quantizers in tandem stay above 33 dB, silence stays silence', () => {
    for (const levelDb of [-3, -10, -20]) {
      const sine = tones(1000, [{ hz: 1004, amplitude: 10 ** (levelDb / 20) }]);
      const mulaw = g711Encode('PCMU', sine);
      const alaw = g711Transcode('PCMU', 'PCMA', mulaw);
      // Two 8-bit quantizers in tandem: the A-law levels are not the µ-law ones.
      const snr = snrDb(sine, g711Decode('PCMA', alaw));
      assert.ok(snr > 33, `µ → A at ${levelDb} dBFS: ${snr.toFixed(1)} dB`);
      const back = g711Decode('PCMU', g711Transcode('PCMA', 'PCMU', alaw));
      assert.ok(snrDb(sine, back) > 33, `µ → A → µ at ${levelDb} dBFS: ${snrDb(sine, back).toFixed(1)} dB`);
    }
    assert.deepEqual(g711Transcode('PCMU', 'PCMA', g711SilenceFrame('PCMU')), g711SilenceFrame('PCMA'), 'silence stays silence');
    // Every code lands on the nearest level of the other law: the error is under one step of it.
    for (let byte = 0; byte < 256; byte += 1) {
      const value = g711Decode('PCMU', Uint8Array.of(byte))[0] ?? 0;
      const converted = g711Decode('PCMA', g711Transcode('PCMU', 'PCMA', Uint8Array.of(byte)))[0] ?? 0;
      assert.ok(Math.abs(converted - value) <= Math.max(16, Math.abs(value) / 16), `µ-law ${byte}: ${value} became ${converted}`);
    }
  });

  it('cuts a stream into 20 ms frames of 160 samples, padding the last with silence', () => {
    const bytes = new Uint8Array(400).fill(0x11);
    const frames = g711Frames('PCMA', bytes);
    assert.deepEqual(
      frames.map((frame) => frame.length),
      [160, 160, 160],
    );
    assert.equal(frames[2]?.[79], 0x11);
    assert.equal(frames[2]?.[80], 0xd5, 'padding is A-law silence');
  });
});
