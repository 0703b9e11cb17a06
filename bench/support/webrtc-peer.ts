/**
 * The browsers of bench/webrtc-legs.ts, in a child process of their own so that their CPU is
 * not Kefu's: werift peer connections offering PCMU over DTLS-SRTP, each sending a 20 ms frame
 * every 20 ms once connected. Commands come over IPC: `offer` makes N peers and answers their
 * offers; `answer` applies Kefu's answers and waits until each peer hears Kefu; `close` ends them.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';

export type WebRtcPeerRequest = { cmd: 'offer'; legs: number } | { cmd: 'answer'; sdps: string[] } | { cmd: 'close' };

const peers: { pc: RTCPeerConnection; heard: number; timer?: NodeJS.Timeout }[] = [];
const frame = Buffer.alloc(160, 0xff);

async function offer(legs: number): Promise<string[]> {
  const offers: string[] = [];
  for (let i = 0; i < legs; i++) {
    const pc = new RTCPeerConnection({
      codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 })] },
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceUseIpv6: false,
    });
    const peer: (typeof peers)[number] = { pc, heard: 0 };
    const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    transceiver.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => peer.heard++));
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected' || peer.timer !== undefined) return;
      let sequence = 1;
      peer.timer = setInterval(() => {
        sequence++;
        void transceiver.sender.sendRtp(new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: sequence & 0xffff, timestamp: sequence * 160 }), frame));
      }, 20);
    });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => (pc.iceGatheringState === 'complete' ? resolve() : pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve())));
    offers.push(pc.localDescription?.sdp ?? '');
    peers.push(peer);
  }
  return offers;
}

process.on('message', async (request: WebRtcPeerRequest) => {
  if (request.cmd === 'offer') process.send?.({ sdps: await offer(request.legs) });
  else if (request.cmd === 'answer') {
    await Promise.all(request.sdps.map((sdp, i) => peers[i]!.pc.setRemoteDescription({ type: 'answer', sdp })));
    const deadline = Date.now() + 60_000;
    while (peers.some((p) => p.heard < 10) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    process.send?.({ hearing: peers.filter((p) => p.heard >= 10).length });
  } else {
    for (const peer of peers) {
      clearInterval(peer.timer);
      await peer.pc.close();
    }
    process.send?.({ closed: true });
    process.exit(0);
  }
});
