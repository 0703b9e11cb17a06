/**
 * Call-progress tones and the hold music, rendered as 8 kHz linear PCM. Chinese tones follow
 * YD/T 1277 (450 Hz), the English-speaking ones ITU-T E.180's North American plan.
 */
import { telephonyRate } from './audio-file.js';

export interface ToneSegment {
  /** Frequencies summed, in Hz; none for a pause. */
  frequencies: number[];
  ms: number;
}

export type ToneName = 'dial' | 'ringback' | 'busy' | 'beep' | 'hold';

/** Level of each frequency: about -13 dBm0 per component, as exchanges send. */
const amplitude = 5000;

const cadences: Record<'zh-CN' | 'en', Record<Exclude<ToneName, 'beep' | 'hold'>, ToneSegment[]>> = {
  'zh-CN': {
    dial: [{ frequencies: [450], ms: 1000 }],
    ringback: [
      { frequencies: [450], ms: 1000 },
      { frequencies: [], ms: 4000 },
    ],
    busy: [
      { frequencies: [450], ms: 350 },
      { frequencies: [], ms: 350 },
    ],
  },
  en: {
    dial: [{ frequencies: [350, 440], ms: 1000 }],
    ringback: [
      { frequencies: [440, 480], ms: 2000 },
      { frequencies: [], ms: 4000 },
    ],
    busy: [
      { frequencies: [480, 620], ms: 500 },
      { frequencies: [], ms: 500 },
    ],
  },
};

/** A short recording beep (1 kHz), then a moment of quiet. */
const beep: ToneSegment[] = [
  { frequencies: [1000], ms: 250 },
  { frequencies: [], ms: 100 },
];

/** Hold music: a slow arpeggio in C major, so a waiting caller hears that the line is alive. */
const hold: ToneSegment[] = [262, 330, 392, 523, 392, 330].map((hz) => ({ frequencies: [hz, hz * 2], ms: 400 }));

export function toneSegments(name: ToneName, language: 'zh-CN' | 'en'): ToneSegment[] {
  if (name === 'beep') return beep;
  if (name === 'hold') return hold;
  return cadences[language][name];
}

/** One cycle of a cadence as samples; a player loops it for as long as it should sound. */
export function renderTone(segments: ToneSegment[]): Int16Array {
  const total = segments.reduce((n, s) => n + Math.round((s.ms * telephonyRate) / 1000), 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const segment of segments) {
    const count = Math.round((segment.ms * telephonyRate) / 1000);
    const fade = Math.min(40, Math.floor(count / 2)); // 5 ms ramps: no clicks at the edges
    for (let i = 0; i < count; i++) {
      let value = 0;
      for (const hz of segment.frequencies) value += Math.sin((2 * Math.PI * hz * i) / telephonyRate);
      const ramp = Math.min(1, i / fade, (count - 1 - i) / fade);
      out[offset + i] = Math.round(value * amplitude * (fade > 0 ? ramp : 1));
    }
    offset += count;
  }
  return out;
}
