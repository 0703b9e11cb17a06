/**
 * Prompt files as callers will hear them: every common WAV (8 to 48 kHz, 8 to 32 bits, integer or
 * float, µ-law or A-law, mono or more channels) decoded once into 8 kHz mono linear PCM.
 * wavefile reads the format variants and resamples (with its anti-aliasing filter).
 */
import wavefile from 'wavefile';
import { KefuError } from '../../errors.js';

export class AudioFileError extends KefuError {
  readonly code = 'ERR_AUDIO_FILE';
}

export const telephonyRate = 8000;

interface FormatChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
}

/** Decodes a WAV file's bytes to 8 kHz mono 16-bit samples, or throws AudioFileError saying why. */
export function decodeWav(bytes: Uint8Array, name = 'audio'): Int16Array {
  let wav: InstanceType<typeof wavefile.WaveFile>;
  try {
    wav = new wavefile.WaveFile(bytes);
  } catch (error) {
    throw new AudioFileError(`${name} is not a WAV file: ${(error as Error).message}`);
  }
  // Copied now: the conversions below replace (and blank) the fmt object.
  const format = { ...(wav.fmt as FormatChunk) };
  // WAVE format tags: 7 µ-law, 6 A-law (decoded to 16-bit linear first).
  if (format.audioFormat === 7) wav.fromMuLaw();
  else if (format.audioFormat === 6) wav.fromALaw();
  wav.toBitDepth('32f');
  if (format.sampleRate !== telephonyRate) wav.toSampleRate(telephonyRate);
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const channels = format.numChannels > 1 ? (raw as Float64Array[]) : [raw as Float64Array];
  const length = channels[0]?.length ?? 0;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i] ?? 0;
    out[i] = Math.max(-32768, Math.min(32767, Math.round((sum / channels.length) * 32767)));
  }
  return out;
}
