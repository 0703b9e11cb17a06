import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DTMF_DIGITS, GoertzelDetector, type DtmfDigit, type DtmfNotice } from '../../src/media/index.js';
import { concat, tones } from '../helpers/audio.js';
import { DTMF_HZ, detectInBand } from '../helpers/dtmf-audio.js';

/** A 16-bit amplitude (of 1 = full scale) for a level in dBm0: +3.17 dBm0 is full scale in µ-law. */
function amplitudeOf(dbm0: number): number {
  return 10 ** ((dbm0 - 3.17) / 20);
}

function key(digit: DtmfDigit, ms: number, options: { lowDbm0?: number; highDbm0?: number; deviation?: number } = {}): Int16Array {
  const [low, high] = DTMF_HZ[digit];
  const deviation = options.deviation ?? 0;
  return tones(ms, [
    { hz: low * (1 + deviation), amplitude: amplitudeOf(options.lowDbm0 ?? -7) },
    { hz: high * (1 + deviation), amplitude: amplitudeOf(options.highDbm0 ?? -7) },
  ]);
}

function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * 8));
}

function digits(notices: readonly DtmfNotice[]): string {
  return notices.filter((notice) => notice.kind === 'digit-start').map((notice) => notice.digit).join('');
}

describe('in-band DTMF detection (Goertzel, ITU-T Q.23/Q.24)', () => {
  it('finds each of the 16 keys once, with one start and one end', () => {
    for (const digit of DTMF_DIGITS) {
      const notices = detectInBand(concat([silence(50), key(digit, 80), silence(100)]));
      assert.deepEqual(
        notices.map((notice) => `${notice.kind} ${notice.digit}`),
        [`digit-start ${digit}`, `digit-end ${digit}`],
      );
      const end = notices[1];
      assert.ok(end?.kind === 'digit-end' && Math.abs(end.durationMs - 80) <= 13, `${digit} lasted about 80 ms`);
    }
  });

  it('MUST count a 40 ms tone and MUST NOT count a 20 ms one, wherever the blocks fall', () => {
    for (let lead = 0; lead < 102; lead += 1) {
      assert.equal(digits(detectInBand(concat([silence(lead / 8), key('5', 40), silence(60)]))), '5', `40 ms after ${lead} samples`);
      assert.equal(digits(detectInBand(concat([silence(lead / 8), key('5', 20), silence(60)]))), '', `20 ms after ${lead} samples`);
    }
  });

  it('MUST split digits at a 40 ms pause and MUST NOT split one at a 10 ms drop-out', () => {
    for (let lead = 0; lead < 102; lead += 3) {
      const twoKeys = concat([silence(lead / 8), key('8', 60), silence(40), key('8', 60), silence(60)]);
      assert.equal(digits(detectInBand(twoKeys)), '88', `a 40 ms pause after ${lead} samples`);
      const tone = key('8', 120);
      tone.fill(0, 480 + lead, 480 + lead + 80);
      assert.equal(digits(detectInBand(concat([tone, silence(60)]))), '8', `a 10 ms drop-out at ${60 + lead / 8} ms`);
    }
  });

  it('accepts levels down to −30 dBm0 per tone and ignores −40 dBm0', () => {
    assert.equal(digits(detectInBand(concat([key('1', 80, { lowDbm0: -30, highDbm0: -30 }), silence(60)]))), '1');
    assert.equal(digits(detectInBand(concat([key('1', 80, { lowDbm0: -40, highDbm0: -40 }), silence(60)]))), '');
    assert.equal(digits(detectInBand(concat([key('1', 80, { lowDbm0: 0, highDbm0: 0 }), silence(60)]))), '1', 'and loud ones');
  });

  it('accepts normal twist up to 8 dB and reverse twist up to 4 dB, not more', () => {
    const withTwist = (lowDbm0: number, highDbm0: number): string => digits(detectInBand(concat([key('9', 80, { lowDbm0, highDbm0 }), silence(60)])));
    assert.equal(withTwist(-6, -13), '9', 'high tone 7 dB weaker');
    assert.equal(withTwist(-6, -16), '', 'high tone 10 dB weaker');
    assert.equal(withTwist(-9, -6), '9', 'high tone 3 dB stronger');
    assert.equal(withTwist(-12, -6), '', 'high tone 6 dB stronger');
  });

  it('accepts tones off frequency by ±1.5 % (Q.23 tolerance)', () => {
    for (const digit of DTMF_DIGITS) {
      for (const deviation of [-0.015, 0.015]) {
        assert.equal(digits(detectInBand(concat([key(digit, 60, { deviation }), silence(60)]))), digit, `${digit} off by ${deviation * 100} %`);
      }
    }
  });

  it('ignores single tones, dial tone, and two tones of the same group', () => {
    const cases: [string, Int16Array][] = [
      ['697 Hz alone', tones(500, [{ hz: 697, amplitude: 0.3 }])],
      ['1 kHz', tones(500, [{ hz: 1000, amplitude: 0.3 }])],
      ['dial tone 350 + 440 Hz', tones(500, [{ hz: 350, amplitude: 0.3 }, { hz: 440, amplitude: 0.3 }])],
      ['697 + 770 Hz (both low)', tones(500, [{ hz: 697, amplitude: 0.3 }, { hz: 770, amplitude: 0.3 }])],
      ['a 1209 Hz + 1336 Hz + 697 Hz chord', tones(500, [{ hz: 697, amplitude: 0.3 }, { hz: 1209, amplitude: 0.3 }, { hz: 1336, amplitude: 0.3 }])],
    ];
    for (const [name, audio] of cases) assert.equal(digits(detectInBand(audio)), '', name);
  });

  it('gives the same notices however the samples are cut into chunks', () => {
    const audio = concat(['1', '2', '3', '#'].flatMap((digit) => [key(digit as DtmfDigit, 70), silence(70)]));
    const expected = detectInBand(audio);
    assert.equal(digits(expected), '123#');
    for (const chunk of [1, 77, 160, 1000]) {
      const detector = new GoertzelDetector();
      const notices: DtmfNotice[] = [];
      for (let offset = 0; offset < audio.length; offset += chunk) notices.push(...detector.process(audio.subarray(offset, offset + chunk)));
      notices.push(...detector.flush());
      assert.deepEqual(notices, expected, `chunks of ${chunk}`);
    }
  });

  it('ends a digit still sounding when the stream is flushed', () => {
    const detector = new GoertzelDetector();
    const notices = detector.process(key('D', 200));
    assert.deepEqual(
      notices.map((notice) => notice.kind),
      ['digit-start'],
    );
    const [end] = detector.flush();
    assert.ok(end?.kind === 'digit-end' && end.digit === 'D' && end.ending === 'tone-stopped');
  });
});
