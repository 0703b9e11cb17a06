// The smallest browser softphone for the WebRTC e2e test: JsSIP over SIP-over-WebSocket
// (RFC 7118), the fake microphone as its audio, and what it hears measured with an AnalyserNode
// (headless Chromium reports inbound audioLevel 0). The test bundles it with esbuild and drives
// it through `window.softphone`.
import * as JsSIP from 'jssip';

let ua;
let session;
let analyser;
let context;
const log = [];
// The fake microphone's tone as it is: noise suppression would take a steady tone for noise.
const microphone = { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false };

function note(text) {
  log.push(`${new Date().toISOString()} ${text}`);
}

/** Routes the remote audio into an analyser (and a muted element: Chrome pulls remote audio only for a sink). */
function hear(connection) {
  const attach = (track) => {
    const stream = new MediaStream([track]);
    const sink = new Audio();
    sink.muted = true;
    sink.srcObject = stream;
    void sink.play().catch(() => undefined);
    context ??= new AudioContext();
    analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    context.createMediaStreamSource(stream).connect(analyser);
    void context.resume();
    note('remote audio attached');
  };
  const existing = connection.getReceivers().find((receiver) => receiver.track?.kind === 'audio');
  if (existing !== undefined) attach(existing.track);
  else connection.addEventListener('track', (event) => attach(event.track));
}

function follow(newSession) {
  session = newSession;
  session.on('peerconnection', (event) => note(`peerconnection ${event.peerconnection.signalingState}`));
  for (const state of ['progress', 'accepted', 'confirmed', 'ended', 'failed']) {
    session.on(state, (event) => note(`${state}${event?.cause ? ` ${event.cause}` : ''}${event?.message?.status_code ? ` ${event.message.status_code} ${event.message.reason_phrase}` : ''}`));
  }
  session.on('confirmed', () => hear(session.connection));
}

window.softphone = {
  log,
  /** Registers `user` at `domain` over `url`; resolves when Kefu said 200. */
  register({ url, user, domain, password, autoAnswer }) {
    return new Promise((resolve, reject) => {
      ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(url)],
        uri: `sip:${user}@${domain}`,
        authorization_user: user,
        password,
        register: true,
        session_timers: false,
      });
      ua.on('registered', () => resolve(true));
      ua.on('registrationFailed', (event) => reject(new Error(`registration failed: ${event.cause}`)));
      ua.on('newRTCSession', ({ session: started, originator }) => {
        note(`${originator === 'remote' ? 'incoming' : 'outgoing'} call`);
        follow(started);
        if (originator === 'remote' && autoAnswer) started.answer({ mediaConstraints: microphone, pcConfig: { iceServers: [] } });
      });
      ua.start();
    });
  },
  /** Calls `target` (a number at the registered domain). */
  call(target, domain) {
    ua.call(`sip:${target}@${domain}`, { mediaConstraints: microphone, pcConfig: { iceServers: [] } });
  },
  state() {
    if (session === undefined) return 'idle';
    if (session.isEnded()) return 'ended';
    return session.isEstablished() ? 'established' : 'ringing';
  },
  /** The strongest frequency of what the browser hears now, and its level in dB. */
  heard() {
    if (analyser === undefined) return { hz: 0, db: -Infinity };
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return { hz: (best * context.sampleRate) / analyser.fftSize, db: bins[best] };
  },
  /** inbound-rtp and outbound-rtp counts of the audio, and the codec in use. */
  async stats() {
    const report = await session.connection.getStats();
    const found = { packetsReceived: 0, packetsSent: 0, codec: '' };
    report.forEach((entry) => {
      if (entry.type === 'inbound-rtp' && entry.kind === 'audio') found.packetsReceived = entry.packetsReceived;
      if (entry.type === 'outbound-rtp' && entry.kind === 'audio') found.packetsSent = entry.packetsSent;
      if (entry.type === 'codec' && entry.mimeType?.startsWith('audio/') && found.codec === '') found.codec = entry.mimeType;
    });
    return found;
  },
  /** Keys as RFC 4733 telephone-events in the media (Chrome's RTCDTMFSender), not SIP INFO. */
  keys(digits) {
    session.sendDTMF(digits, { transportType: 'RFC2833', duration: 160, interToneGap: 120 });
  },
  hangup() {
    session?.terminate();
  },
};
