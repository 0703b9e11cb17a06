/**
 * Prompts decoded once per worker and kept as G.711 bytes in both laws, so that playing one to
 * a thousand callers copies bytes each tick instead of decoding and encoding. Files are keyed by
 * path, size and modification time (a replaced file is read again); speech is also cached on disk
 * by the synthesizer. The cache holds a bounded number of prompts, dropping the oldest.
 */
import { stat, readFile } from 'node:fs/promises';
import { type G711Law, g711Encode } from '../codecs/g711.js';
import { AudioFileError, decodeWav, telephonyRate } from '../player/audio-file.js';
import { amountText, dateText, digitsText, numberText } from '../player/readback.js';
import type { SpeechSynthesizer } from '../player/speech.js';
import { renderTone, toneSegments } from '../player/tones.js';
import type { PlayItem } from './protocol.js';

type Encoded = Record<G711Law, Uint8Array>;

export class PromptCache {
  readonly #entries = new Map<string, Promise<Encoded>>();

  constructor(
    private readonly speech: SpeechSynthesizer,
    private readonly capacity = 500,
  ) {}

  /** The item as G.711 bytes in `law`. */
  async encoded(item: PlayItem, law: G711Law): Promise<Uint8Array> {
    const key = item.kind === 'file' ? await fileKey(item.path) : JSON.stringify(item);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = this.linear(item).then((samples) => ({ PCMU: g711Encode('PCMU', samples), PCMA: g711Encode('PCMA', samples) }));
      this.#entries.set(key, entry);
      // A failed load is not kept: the next play tries again (the file may have been fixed).
      entry.catch(() => this.#entries.delete(key));
      if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return (await entry)[law];
  }

  private async linear(item: PlayItem): Promise<Int16Array> {
    switch (item.kind) {
      case 'file':
        return decodeWav(await readFile(item.path).catch((error: Error) => Promise.reject(new AudioFileError(`${item.path}: ${error.message}`))), item.path);
      case 'tone':
        return renderTone(toneSegments(item.tone, item.language));
      case 'frequencies':
        return renderTone([{ frequencies: item.hz, ms: item.ms }]);
      case 'silence':
        return new Int16Array(Math.round((item.ms * telephonyRate) / 1000));
      case 'speech':
        return this.speech.speak(item.text, item.language);
      case 'digits':
        return this.speech.speak(digitsText(item.digits, item.language), item.language);
      case 'number':
        return this.speech.speak(numberText(item.value, item.language), item.language);
      case 'amount':
        return this.speech.speak(amountText(item.value, item.language), item.language);
      case 'date':
        return this.speech.speak(dateText(item, item.language), item.language);
      default: {
        const impossible: never = item;
        return impossible;
      }
    }
  }
}

async function fileKey(path: string): Promise<string> {
  const info = await stat(path).catch((error: Error) => Promise.reject(new AudioFileError(`cannot play ${path}: ${error.message}`)));
  return `file\n${path}\n${info.size}\n${info.mtimeMs}`;
}
