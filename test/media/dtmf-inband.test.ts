/**
 * In-band DTMF on real audio made by sox and espeak-ng, as it arrives in a call: mixed with
 * white noise, encoded to G.711 by sox, decoded by Kefu, detected in 20 ms frames.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { g711Decode, type G711Law } from '../../src/media/index.js';
import { readBytes, sox, temporaryFolder } from '../helpers/audio.js';
import { detectInBand, planDigits, scoreDetection, soxAddNoise, soxDtmfFile } from '../helpers/dtmf-audio.js';

const DIGITS = 1000;
const SOX_ENCODING: Record<G711Law, string> = { PCMU: 'mu-law', PCMA: 'a-law' };

/** A few sentences an IVR says, in both languages Kefu speaks. */
const SPEECH: Record<string, string> = {
  cmn:
    '您好，欢迎致电客服中心。查询账户余额请按一，办理业务请按二，人工服务请按零。' +
    '我们的服务时间是周一至周五，上午九点到下午六点。感谢您的耐心等待，您的来电对我们非常重要。',
  en:
    'Hello, and thank you for calling. Please listen carefully, as our menu options have changed. ' +
    'For billing questions, press one. To speak with an agent, please stay on the line. ' +
    'Your call is important to us and will be answered in the order it was received.',
};

describe('in-band DTMF on real audio (sox, espeak-ng)', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  before(() => {
    folder = temporaryFolder('dtmf-inband');
  });
  after(() => folder.remove());

  for (const [index, law] of (['PCMU', 'PCMA'] as const).entries()) {
    it(`${law}: detects ${DIGITS} random digits (60–100 ms tones and gaps, noise at 20 dB SNR) with ≥ 99.9 % accuracy`, (t) => {
      const plan = planDigits(DIGITS, 20261122 + index);
      const clean = folder.file(`digits-${law}.wav`);
      soxDtmfFile(plan, folder.file, clean);
      const noisy = folder.file(`noisy-${law}.wav`);
      const { toneRms, noiseRms } = soxAddNoise(clean, folder.file('tone-1-100.wav'), 20, folder.file, noisy);
      const snr = 20 * Math.log10(toneRms / noiseRms);
      assert.ok(Math.abs(snr - 20) < 0.5, `sox stat measures the tones ${snr.toFixed(2)} dB above the noise`);
      const encoded = folder.file(`noisy.${law}`);
      sox([noisy, '-t', 'raw', '-e', SOX_ENCODING[law], '-b', '8', encoded]);
      const samples = g711Decode(law, readBytes(encoded));
      const score = scoreDetection(plan, detectInBand(samples));
      t.diagnostic(
        `${law}: ${score.played} digits in ${(samples.length / 8000).toFixed(1)} s at ${snr.toFixed(1)} dB SNR: ` +
          `${score.missed} missed, ${score.extra} extra, ${score.wrong} wrong, accuracy ${(score.accuracy * 100).toFixed(2)} %`,
      );
      assert.ok(score.accuracy >= 0.999, `accuracy ${score.accuracy}: ${score.examples.join('; ')}`);
      assert.ok(new Set(plan.map((digit) => digit.digit)).size === 16, 'all sixteen keys were played');
    });
  }

  for (const [voice, text] of Object.entries(SPEECH)) {
    // The default voice, and a high-pitched female variant, the harder case for talk-off.
    for (const variant of [[voice], [`${voice}+f5`, '-p', '90']]) {
      it(`talk-off: espeak-ng ${variant.join(' ')} speech yields no digit`, (t) => {
        const spoken = folder.file('speech.wav');
        execFileSync('espeak-ng', ['-v', ...variant, '-w', spoken, text]);
        const narrowband = folder.file('speech-8k.wav');
        sox([spoken, '-r', '8000', '-c', '1', '-b', '16', narrowband, 'norm', '-1']);
        const encoded = folder.file('speech.PCMU');
        sox([narrowband, '-t', 'raw', '-e', 'mu-law', '-b', '8', encoded]);
        const samples = g711Decode('PCMU', readBytes(encoded));
        assert.ok(samples.length > 8000 * 10, 'at least 10 s of speech');
        const notices = detectInBand(samples);
        t.diagnostic(`${variant.join(' ')}: ${(samples.length / 8000).toFixed(1)} s of speech, ${notices.length} notices`);
        assert.deepEqual(notices, []);
      });
    }
  }
});
