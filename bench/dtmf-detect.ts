/**
 * How fast in-band DTMF detection runs: 1,000 random digits (60–100 ms tones and gaps) with white
 * noise at 20 dB SNR, G.711 µ-law encoded, then decoded and detected in 20 ms frames as a media
 * worker would, several passes after a warm-up. CPU time from process.cpuUsage (user + system).
 * `channelsRealTimeOnOneCore` is how many calls one core could watch for in-band digits at once.
 * Prints one JSON line.
 */
import { type DtmfNotice, GoertzelDetector, SAMPLES_PER_FRAME, g711Decode, g711Encode } from '../src/media/index.js';
import { concat, tones } from '../test/helpers/audio.js';
import { seededRandom } from '../test/helpers/random.js';
import { DTMF_HZ, planDigits } from '../test/helpers/dtmf-audio.js';

const plan = planDigits(1000, 42);
const random = seededRandom(7);
const toneAmplitude = 0.25; // each tone, of full scale: the pair's power is 2 · a²/2 = a²
const parts: Int16Array[] = [new Int16Array(800)];
for (const { digit, toneMs, gapMs } of plan) {
  const [low, high] = DTMF_HZ[digit];
  parts.push(tones(toneMs, [{ hz: low, amplitude: toneAmplitude }, { hz: high, amplitude: toneAmplitude }]), new Int16Array(gapMs * 8));
}
const clean = concat(parts);
// White noise 20 dB below the tones (RMS a/10); uniform noise of amplitude u has RMS u/√3.
const noiseRms = toneAmplitude / 10;
const noiseAmplitude = noiseRms * Math.sqrt(3) * 32767;
const noisy = clean.map((sample) => Math.max(-32768, Math.min(32767, Math.round(sample + (random() * 2 - 1) * noiseAmplitude))));
const mulaw = g711Encode('PCMU', noisy);
const audioSeconds = mulaw.length / 8000;

/** One pass: decode every 20 ms frame and feed it to a fresh detector, as one call would. */
function pass(): number {
  const detector = new GoertzelDetector();
  const frame = new Int16Array(SAMPLES_PER_FRAME);
  let digits = 0;
  const count = (notices: DtmfNotice[]): void => {
    for (const notice of notices) if (notice.kind === 'digit-start') digits += 1;
  };
  for (let offset = 0; offset + SAMPLES_PER_FRAME <= mulaw.length; offset += SAMPLES_PER_FRAME) {
    count(detector.process(g711Decode('PCMU', mulaw.subarray(offset, offset + SAMPLES_PER_FRAME), frame)));
  }
  count(detector.flush());
  return digits;
}

const detectedInWarmUp = pass();
const passes = 100;
const before = process.cpuUsage();
let detected = 0;
for (let i = 0; i < passes; i += 1) detected += pass();
const used = process.cpuUsage(before);
const cpuSeconds = (used.user + used.system) / 1e6;
const secondsOfAudioPerCpuSecond = (audioSeconds * passes) / cpuSeconds;

process.stdout.write(
  `${JSON.stringify({
    bench: 'dtmf-detect',
    audioSeconds: Math.round(audioSeconds * passes),
    cpuSeconds: Number(cpuSeconds.toFixed(3)),
    secondsOfAudioPerCpuSecond: Math.round(secondsOfAudioPerCpuSecond),
    channelsRealTimeOnOneCore: Math.floor(secondsOfAudioPerCpuSecond),
    cpuMicrosecondsPerFrame: Number(((cpuSeconds * 1e6) / ((audioSeconds * passes) / 0.02)).toFixed(2)),
    digitsPlayed: plan.length,
    digitsDetected: detectedInWarmUp,
    digitsDetectedEveryPass: detected === detectedInWarmUp * passes,
  })}\n`,
);
