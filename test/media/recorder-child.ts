// Child process of the recorder crash test: records 3.5 s of a tone, says so, then waits to be killed.
import { WavRecorder } from '../../src/media/recorder/wav-recorder.js';
import { toneFrames } from '../helpers/audio.js';

const recorder = new WavRecorder(process.argv[2] as string, { channels: 1, sampleRate: 8000 });
for (const frame of toneFrames(1000, 175)) recorder.write([frame]);
process.stdout.write(`recorded ${recorder.durationMs}\n`);
setInterval(() => undefined, 1000);
