export { hrtimeSource, MediaClock, type MediaClockOptions, type Tick, type TimeSource } from './clock/media-clock.js';
export {
  JitterBuffer,
  type Frame,
  type JitterBufferOptions,
  type JitterPacket,
  type JitterStats,
  type PushOutcome,
} from './jitter/jitter-buffer.js';
export { WavRecorder, type Recording, type RecorderOptions, type RecorderState, type StopReason } from './recorder/wav-recorder.js';
export { AudioFileError, decodeWav, telephonyRate } from './player/audio-file.js';
export { Player, type PlayerEnd, type PlayOptions } from './player/player.js';
export { amountText, dateText, digitsText, numberText, type Language } from './player/readback.js';
export { SpeechError, SpeechSynthesizer } from './player/speech.js';
export { renderTone, toneSegments, type ToneName, type ToneSegment } from './player/tones.js';
export { Mixer, type MixerMode } from './mixer/mixer.js';
