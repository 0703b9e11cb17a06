// A SIP server that answers every INVITE with 200 and an SDP answer: the load target of
// bench/sip-cps.ts. Prints its port on stdout, then serves until killed.
import { answerWithSdp, startSipServer } from '../../test/helpers/sip-server.js';

const server = await startSipServer({ onInvite: (request, _transaction, respond) => answerWithSdp(request, respond) }, { port: Number(process.argv[2] ?? 0) });
process.stdout.write(`${server.port}\n`);
