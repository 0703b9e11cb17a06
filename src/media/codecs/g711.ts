/**
 * G.711 (ITU-T G.711) µ-law (PCMU) and A-law (PCMA): 8 kHz, 8 bits a sample, 16-bit linear PCM
 * inside Kefu. The companding itself comes from `alawmulaw` (the ITU-T/Sun reference algorithm);
 * here it is turned into lookup tables once, so that encoding, decoding and transcoding a 20 ms
 * frame is a table look-up per sample in the media worker's hot path.
 */
import alawmulaw from 'alawmulaw';

export type G711Law = 'PCMU' | 'PCMA';

/** RFC 3551 §4.5.14 and table 4: static payload types, 8000 Hz clock. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { PCMU: 0, PCMA: 8 };
export const G711_SAMPLE_RATE = 8000;
/** RFC 3551 §4.2: 20 ms is the default packetization; 160 samples at 8 kHz. */
export const FRAME_MS = 20;
export const SAMPLES_PER_FRAME = (G711_SAMPLE_RATE * FRAME_MS) / 1000;

/** The byte that encodes 0 (silence): 0xFF in µ-law, 0xD5 in A-law (G.711 tables 1a and 2a). */
export const G711_SILENCE: Readonly<Record<G711Law, number>> = { PCMU: 0xff, PCMA: 0xd5 };

const decodeTables: Record<G711Law, Int16Array> = {
  PCMU: buildDecodeTable(alawmulaw.mulaw.decodeSample),
  PCMA: buildDecodeTable(alawmulaw.alaw.decodeSample),
};

// Indexed by the 16-bit sample as unsigned (sample & 0xffff).
const encodeTables: Record<G711Law, Uint8Array> = {
  PCMU: buildEncodeTable(alawmulaw.mulaw.encodeSample),
  PCMA: buildEncodeTable(alawmulaw.alaw.encodeSample),
};

// Transcoding by way of linear PCM: decode with one law, encode with the other.
const transcodeTables = {
  PCMU_PCMA: buildTranscodeTable('PCMU', 'PCMA'),
  PCMA_PCMU: buildTranscodeTable('PCMA', 'PCMU'),
};

/** Encodes 16-bit linear samples; `into` may be given to avoid an allocation per frame. */
export function g711Encode(law: G711Law, samples: Int16Array, into = new Uint8Array(samples.length)): Uint8Array {
  const table = encodeTables[law];
  for (let i = 0; i < samples.length; i += 1) into[i] = table[(samples[i] ?? 0) & 0xffff] ?? 0;
  return into;
}

export function g711Decode(law: G711Law, bytes: Uint8Array, into = new Int16Array(bytes.length)): Int16Array {
  const table = decodeTables[law];
  for (let i = 0; i < bytes.length; i += 1) into[i] = table[bytes[i] ?? 0] ?? 0;
  return into;
}

/** Converts G.711 bytes from one law to the other without leaving 8 bits a sample. */
export function g711Transcode(from: G711Law, to: G711Law, bytes: Uint8Array, into = new Uint8Array(bytes.length)): Uint8Array {
  if (from === to) {
    into.set(bytes);
    return into;
  }
  const table = from === 'PCMU' ? transcodeTables.PCMU_PCMA : transcodeTables.PCMA_PCMU;
  for (let i = 0; i < bytes.length; i += 1) into[i] = table[bytes[i] ?? 0] ?? 0;
  return into;
}

/** A frame of silence in the given law: 20 ms (160 bytes) unless told how many samples. */
export function g711SilenceFrame(law: G711Law, samples = SAMPLES_PER_FRAME): Uint8Array {
  return new Uint8Array(samples).fill(G711_SILENCE[law]);
}

/**
 * Cuts G.711 bytes into 20 ms frames (views, not copies). A last, shorter piece is padded with
 * the law's silence byte so that every frame is exactly 160 samples.
 */
export function g711Frames(law: G711Law, bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += SAMPLES_PER_FRAME) {
    const frame = bytes.subarray(offset, offset + SAMPLES_PER_FRAME);
    if (frame.length === SAMPLES_PER_FRAME) {
      frames.push(frame);
    } else {
      const padded = g711SilenceFrame(law);
      padded.set(frame);
      frames.push(padded);
    }
  }
  return frames;
}

function buildDecodeTable(decodeSample: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let byte = 0; byte < 256; byte += 1) table[byte] = decodeSample(byte);
  return table;
}

function buildEncodeTable(encodeSample: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(0x10000);
  // alawmulaw's µ-law encodeSample returns the complemented code unmasked (negative); & 0xff.
  for (let index = 0; index < 0x10000; index += 1) table[index] = encodeSample(index >= 0x8000 ? index - 0x10000 : index) & 0xff;
  return table;
}

function buildTranscodeTable(from: G711Law, to: G711Law): Uint8Array {
  const table = new Uint8Array(256);
  const decode = decodeTables[from];
  const encode = encodeTables[to];
  for (let byte = 0; byte < 256; byte += 1) {
    const sample = decode[byte] ?? 0;
    // A-law has no zero level: its quietest levels are ±8 (±1 in 13 bits), which µ-law could
    // carry as ±8. They are taken as µ-law's zero instead, so that silence stays 0xFF and
    // µ → A → µ gives back the bytes it started from. (±8 is −72 dBFS: nothing is audible.)
    table[byte] = from === 'PCMA' && Math.abs(sample) <= 8 ? (sample < 0 ? 0x7f : 0xff) : (encode[sample & 0xffff] ?? 0);
  }
  return table;
}
