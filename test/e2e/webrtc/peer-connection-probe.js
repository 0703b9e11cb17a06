// Loaded into a page before its own scripts (playwright's addInitScript): keeps every
// RTCPeerConnection the page makes and listens to each one's inbound audio from its first track
// with an AnalyserNode (headless Chromium reports inbound audioLevel 0), every 20 ms, noting
// when each strong frequency was first heard; reads the RTP counters from getStats.
(() => {
  const Native = window.RTCPeerConnection;
  const connections = [];
  const listeners = new Map();
  let context;

  function listen(connection, track) {
    if (listeners.has(connection)) return;
    context ??= new AudioContext();
    void context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const listener = { analyser, hz: 0, db: -Infinity, firstHeard: [] };
    const bins = new Float32Array(analyser.frequencyBinCount);
    listener.timer = setInterval(() => {
      analyser.getFloatFrequencyData(bins);
      let best = 1;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
      listener.hz = (best * context.sampleRate) / analyser.fftSize;
      listener.db = bins[best];
      if (listener.db > -50 && listener.firstHeard.length < 200 && !listener.firstHeard.some((seen) => Math.abs(seen.hz - listener.hz) < 1)) {
        listener.firstHeard.push({ hz: listener.hz, at: Date.now() });
      }
    }, 20);
    listeners.set(connection, listener);
  }

  window.RTCPeerConnection = class extends Native {
    constructor(configuration) {
      super(configuration);
      this.createdAt = Date.now();
      connections.push(this);
      this.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') listen(this, event.track);
      });
    }
  };

  window.peerConnectionProbe = {
    /** The newest connection's inbound level now (dB, the strongest analyser bin within 12 Hz) at each of `frequencies`. */
    levels(frequencies) {
      const listener = listeners.get(connections.at(-1));
      if (listener === undefined) return frequencies.map(() => -Infinity);
      const bins = new Float32Array(listener.analyser.frequencyBinCount);
      listener.analyser.getFloatFrequencyData(bins);
      const width = context.sampleRate / listener.analyser.fftSize;
      return frequencies.map((hz) => {
        let best = -Infinity;
        for (let i = Math.max(1, Math.floor((hz - 12) / width)); i <= Math.ceil((hz + 12) / width) && i < bins.length; i++) best = Math.max(best, bins[i]);
        return best;
      });
    },
    /**
     * What the newest connection hears now: the strongest frequency and its level (dB); when it
     * first heard a frequency within 12 Hz of `hz` above -50 dB (epoch ms); its RTP counters.
     */
    async heard(hz) {
      const connection = connections.at(-1);
      const found = { hz: 0, db: -Infinity, firstHeardAt: null, createdAt: connection?.createdAt ?? null, packetsReceived: 0, packetsSent: 0, codec: '', connections: connections.length };
      const listener = connection === undefined ? undefined : listeners.get(connection);
      if (listener === undefined) return found;
      found.hz = listener.hz;
      found.db = listener.db;
      found.firstHeardAt = listener.firstHeard.find((seen) => Math.abs(seen.hz - hz) <= 12)?.at ?? null;
      (await connection.getStats()).forEach((entry) => {
        if (entry.type === 'inbound-rtp' && entry.kind === 'audio') found.packetsReceived = entry.packetsReceived;
        if (entry.type === 'outbound-rtp' && entry.kind === 'audio') found.packetsSent = entry.packetsSent;
        if (entry.type === 'codec' && entry.mimeType?.startsWith('audio/') && found.codec === '') found.codec = entry.mimeType;
      });
      return found;
    },
  };
})();
