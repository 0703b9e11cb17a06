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
