import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import wavefile from 'wavefile';
import { SpeechSynthesizer, g711Decode } from '../../../src/media/index.js';
import { PromptCache } from '../../../src/media/engine/prompt-cache.js';
import { temporaryFolder } from '../../helpers/audio.js';
import { dominantTone } from '../../helpers/rtp-peer.js';

const folder = temporaryFolder('prompt-cache');
after(() => folder.remove());

function writeTone(path: string, hz: number, rate: number): void {
  const samples = Int16Array.from({ length: rate }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)));
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, rate, '16', samples);
  writeFileSync(path, wav.toBuffer());
}

describe('[issue 4] prompt cache', () => {
  const cache = new PromptCache(new SpeechSynthesizer(folder.file('speech')), 2);

  it('decodes a WAV file once and hands out the same G.711 bytes in each law after that', async () => {
    const path = folder.file('menu.wav');
    writeTone(path, 700, 16000);
    const first = await cache.encoded({ kind: 'file', path }, 'PCMA');
    assert.equal(await cache.encoded({ kind: 'file', path }, 'PCMA'), first, 'the cached bytes, not a new decode');
    assert.equal(first.length, 8000, 'one second at 8 kHz');
    const mulaw = await cache.encoded({ kind: 'file', path }, 'PCMU');
    assert.ok(Math.abs(dominantTone(g711Decode('PCMU', mulaw).subarray(0, 4000)).hz - 700) <= 4);
  });

  it('reads a file again when it was replaced (size or modification time changed)', async () => {
    const path = folder.file('greeting.wav');
    writeTone(path, 500, 8000);
    const before = await cache.encoded({ kind: 'file', path }, 'PCMU');
    writeTone(path, 900, 8000);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const afterChange = await cache.encoded({ kind: 'file', path }, 'PCMU');
    assert.notEqual(afterChange, before);
    assert.ok(Math.abs(dominantTone(g711Decode('PCMU', afterChange).subarray(0, 4000)).hz - 900) <= 4);
  });

  it('keeps at most its capacity, dropping the oldest', async () => {
    const tone = await cache.encoded({ kind: 'frequencies', hz: [1004], ms: 100 }, 'PCMU');
    await cache.encoded({ kind: 'silence', ms: 100 }, 'PCMU');
    await cache.encoded({ kind: 'tone', tone: 'beep', language: 'en' }, 'PCMU');
    assert.notEqual(await cache.encoded({ kind: 'frequencies', hz: [1004], ms: 100 }, 'PCMU'), tone, 'decoded again after being dropped');
  });
});
