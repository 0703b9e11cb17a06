/**
 * Text-to-speech through espeak-ng (Mandarin and English voices), decoded once to 8 kHz PCM and
 * cached on disk by voice and text, so a prompt is synthesised once, not once per call.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KefuError } from '../../errors.js';
import { decodeWav } from './audio-file.js';
import type { Language } from './readback.js';

export class SpeechError extends KefuError {
  readonly code = 'ERR_SPEECH';
}

const voices: Record<Language, string> = { 'zh-CN': 'cmn', en: 'en' };

export class SpeechSynthesizer {
  readonly #inFlight = new Map<string, Promise<Int16Array>>();

  constructor(
    private readonly cacheDir: string,
    private readonly command = 'espeak-ng',
  ) {}

  /** The samples of `text` spoken in `language`; from the cache when it was said before. */
  speak(text: string, language: Language): Promise<Int16Array> {
    const key = createHash('sha256').update(`${voices[language]}\n${text}`).digest('hex');
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.load(key, text, language).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(key: string, text: string, language: Language): Promise<Int16Array> {
    const cached = join(this.cacheDir, `${key}.pcm`);
    try {
      const bytes = await readFile(cached);
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    } catch {
      // Not said before: synthesise below.
    }
    await mkdir(this.cacheDir, { recursive: true });
    const wav = join(this.cacheDir, `${key}.${process.pid}.wav`);
    try {
      // The text goes in on standard input, never on the command line: it cannot become an option.
      await new Promise<void>((resolve, reject) => {
        const child = execFile(this.command, ['-v', voices[language], '--stdin', '-w', wav], (error) =>
          error ? reject(new SpeechError(`${this.command} failed: ${error.message}`)) : resolve(),
        );
        child.stdin?.end(text);
      });
      const samples = decodeWav(await readFile(wav), 'speech');
      const temporary = `${cached}.${process.pid}`;
      await writeFile(temporary, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
      await rename(temporary, cached);
      return samples;
    } finally {
      await rm(wav, { force: true });
    }
  }
}
