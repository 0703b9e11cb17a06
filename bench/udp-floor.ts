/**
 * The UDP floor: a bare dgram loop in this process exchanging 20 ms RTP-sized packets with the
 * load peer (a child process) over loopback, N legs × 50 packets/s each way on one deadline
 * clock. CPU µs per packet is the least Node spends per RTP packet here; bench/media-channels.ts
 * divides by it. One JSON line.
 */
import { availableParallelism } from 'node:os';
import { udpFloor } from './support/media-load.js';

const legs = [250, 1000];
const results = [];
for (const n of legs) results.push(await udpFloor(n, 5));
process.stdout.write(`${JSON.stringify({ bench: 'udp-floor', cores: availableParallelism(), results })}\n`);
