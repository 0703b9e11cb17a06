/**
 * The entry of a media worker thread: builds a MediaWorker from `workerData`, runs the commands
 * its owner posts, and posts back replies and events. Nothing here but the wiring.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { hrtimeSource } from '../clock/media-clock.js';
import { mediaErrorData } from '../media-errors.js';
import { MediaWorker } from './media-worker.js';
import type { OwnerMessage, WorkerMessage, WorkerSettings } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread only');
const post = (message: WorkerMessage): void => port.postMessage(message);
const worker = new MediaWorker(workerData as WorkerSettings, hrtimeSource, (event) => post({ type: 'event', event }), threadId);

port.on('message', (message: OwnerMessage) => {
  if ('shutdown' in message) {
    void worker.close().finally(() => port.close());
    return;
  }
  worker.handle(message.command).then(
    (value) => post({ type: 'reply', id: message.id, ok: true, value }),
    (error: unknown) => post({ type: 'reply', id: message.id, ok: false, error: mediaErrorData(error) }),
  );
});
