// Loaded into a page before its own scripts (playwright's addInitScript): keeps every
// RTCPeerConnection the page makes, and measures the newest one's inbound audio with an
// AnalyserNode (headless Chromium reports inbound audioLevel 0) and its RTP counters.
(() => {
  const Native = window.RTCPeerConnection;
  const connections = [];
  const analysers = new Map();
  window.RTCPeerConnection = class extends Native {
    constructor(configuration) {
      super(configuration);
      connections.push(this);
    }
  };

  window.peerConnectionProbe = {
    /** The strongest frequency and its level (dB) the newest connection hears now, its RTP counters and codec. */
    async heard() {
      const found = { hz: 0, db: -Infinity, packetsReceived: 0, packetsSent: 0, codec: '', connections: connections.length };
      const connection = connections.at(-1);
      const track = connection?.getReceivers().find((receiver) => receiver.track.kind === 'audio')?.track;
      if (connection === undefined || track === undefined) return found;
      let probe = analysers.get(connection);
      if (probe === undefined) {
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 8192;
        context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
        await context.resume();
        probe = { analyser, context };
        analysers.set(connection, probe);
      }
      const bins = new Float32Array(probe.analyser.frequencyBinCount);
      probe.analyser.getFloatFrequencyData(bins);
      let best = 1;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
      found.hz = (best * probe.context.sampleRate) / probe.analyser.fftSize;
      found.db = bins[best];
      (await connection.getStats()).forEach((entry) => {
        if (entry.type === 'inbound-rtp' && entry.kind === 'audio') found.packetsReceived = entry.packetsReceived;
        if (entry.type === 'outbound-rtp' && entry.kind === 'audio') found.packetsSent = entry.packetsSent;
        if (entry.type === 'codec' && entry.mimeType?.startsWith('audio/') && found.codec === '') found.codec = entry.mimeType;
      });
      return found;
    },
  };
})();
