/**
 * A prompt's audio edited in the page before it is uploaded (K5): recorded from the microphone or
 * read from a file, trimmed to a start and an end, amplified by a gain in dB, and rendered at
 * 8 kHz mono (what the node keeps) into a 16-bit PCM WAV file.
 */

export const promptRate = 8000;

export interface PromptEdit {
  /** Seconds from the start of the source. */
  start: number;
  end: number;
  /** Gain in dB; samples past full scale are clipped. */
  gainDb: number;
}

/** Decodes a recording or a file the browser can play (WAV, WebM/Opus …). */
export async function decodeAudio(bytes: ArrayBuffer): Promise<AudioBuffer> {
  const context = new AudioContext();
  try {
    return await context.decodeAudioData(bytes);
  } finally {
    void context.close();
  }
}

/** The edited prompt as 8 kHz mono samples: the source between start and end, with the gain. */
export async function renderPrompt(source: AudioBuffer, edit: PromptEdit): Promise<Float32Array> {
  const start = Math.max(0, Math.min(edit.start, source.duration));
  const end = Math.max(start, Math.min(edit.end, source.duration));
  const frames = Math.max(1, Math.round((end - start) * promptRate));
  const context = new OfflineAudioContext(1, frames, promptRate);
  const player = context.createBufferSource();
  player.buffer = source;
  const gain = context.createGain();
  gain.gain.value = 10 ** (edit.gainDb / 20);
  player.connect(gain).connect(context.destination);
  player.start(0, start, end - start);
  return (await context.startRendering()).getChannelData(0);
}

/** A RIFF/WAVE file of 16-bit PCM mono samples at `rate` (the canonical 44-byte header). */
export function wavFile(samples: Float32Array, rate = promptRate): Blob {
  const data = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const text = (at: number, value: string) => [...value].forEach((char, i) => data.setUint8(at + i, char.charCodeAt(0)));
  text(0, 'RIFF');
  data.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  data.setUint32(16, 16, true);
  data.setUint16(20, 1, true); // PCM
  data.setUint16(22, 1, true); // mono
  data.setUint32(24, rate, true);
  data.setUint32(28, rate * 2, true);
  data.setUint16(32, 2, true);
  data.setUint16(34, 16, true);
  text(36, 'data');
  data.setUint32(40, samples.length * 2, true);
  samples.forEach((sample, i) => data.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, sample)) * 32767), true));
  return new Blob([data.buffer], { type: 'audio/wav' });
}

/**
 * Records the microphone until the returned `stop` is called: resolves then with the recording.
 * The browser's gain control and noise suppression stay off, as they alter a prompt's level.
 */
export async function recordMicrophone(): Promise<{ stop: () => Promise<ArrayBuffer> }> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
  const recorder = new MediaRecorder(stream);
  const chunks: Blob[] = [];
  recorder.addEventListener('dataavailable', (event) => chunks.push(event.data));
  recorder.start();
  return {
    stop: () =>
      new Promise((resolve) => {
        recorder.addEventListener('stop', () => {
          stream.getTracks().forEach((track) => track.stop());
          void new Blob(chunks, { type: recorder.mimeType }).arrayBuffer().then(resolve);
        });
        recorder.stop();
      }),
  };
}
