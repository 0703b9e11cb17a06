/**
 * A media port as a browser reaches it: ICE-lite, DTLS-SRTP and rtcp-mux on one UDP socket,
 * shown to the RTP session as a plain packet socket. What arrives is sorted by its first byte
 * (RFC 7983 §7): STUN is answered here, DTLS feeds the handshake, SRTP and SRTCP are unprotected
 * and handed on as RTP and RTCP. What the session sends is protected and goes to the address the
 * browser's checks came from (RFC 8445 §7.3.1.4), not to the SDP's c= line.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { isRtcpPacket } from '../rtp/rtcp-packet.js';
import type { PacketSocket } from '../session/rtp-session.js';
import { DtlsSrtp, localCertificate, type DtlsRole, type Fingerprint, type LocalCertificate } from './dtls-srtp.js';
import { answerBinding, isStun, newIceCredentials, type IceCredentials } from './ice-lite.js';

/** What our SDP says of this port. */
export interface WebRtcLocal {
  iceUfrag: string;
  icePwd: string;
  fingerprint: Fingerprint;
}

/** What the peer's SDP says, and the DTLS role offer/answer gave us (RFC 5763 §5). */
export interface WebRtcRemote {
  iceUfrag: string;
  fingerprints: Fingerprint[];
  role: DtlsRole;
}

export interface WebRtcCounts {
  stunAnswered: number;
  /** SRTP or SRTCP that failed authentication, or came before the keys. */
  unprotectFailed: number;
}

type MessageListener = (bytes: Buffer, from: RemoteInfo) => void;

/** DTLS records kept from before the peer's SDP: a ClientHello flight and its retransmissions. */
const EARLY_RECORDS = 8;

/** Makes WebRTC ports on sockets; readies the worker's certificate first. */
export type WebRtcPorts = (socket: Socket, onFailure: (reason: string) => void) => WebRtcPort;

export async function webRtcPorts(): Promise<WebRtcPorts> {
  const certificate = await localCertificate();
  return (socket, onFailure) => new WebRtcPort(socket, certificate, onFailure);
}

export class WebRtcPort implements PacketSocket {
  readonly counts: WebRtcCounts = { stunAnswered: 0, unprotectFailed: 0 };
  readonly #ice: IceCredentials = newIceCredentials();
  readonly #listeners: MessageListener[] = [];
  #remote: WebRtcRemote | undefined;
  #dtls: DtlsSrtp | undefined;
  /** Where packets go: the pair the browser nominated, else the one its DTLS or media came on, else the last it checked. */
  #peer: { address: string; port: number } | undefined;
  /** The sources whose checks passed (host:port): only they may carry DTLS and media. */
  readonly #checked = new Set<string>();
  #nominated = false;
  #closed = false;
  /**
   * DTLS records that came before the peer's SDP: a browser answering Kefu's offer starts its
   * handshake as soon as its checks pass, before its 200 OK reaches Kefu; replayed at setRemote
   * rather than lost to the browser's retransmission back-off (1 s, 2 s, 4 s …).
   */
  readonly #early: Buffer[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly certificate: LocalCertificate,
    private readonly onFailure: (reason: string) => void,
  ) {
    socket.on('message', (bytes, from) => this.onDatagram(bytes, from));
  }

  get local(): WebRtcLocal {
    return { iceUfrag: this.#ice.ufrag, icePwd: this.#ice.pwd, fingerprint: this.certificate.fingerprint };
  }

  get secured(): boolean {
    return this.#dtls?.ready ?? false;
  }

  /**
   * The peer's ICE and DTLS parameters. A re-offer with the same ones (hold, resume) changes
   * nothing; new ones start a new DTLS association.
   */
  setRemote(remote: WebRtcRemote): void {
    const same = this.#remote !== undefined && this.#remote.iceUfrag === remote.iceUfrag && this.#remote.role === remote.role && sameFingerprints(this.#remote.fingerprints, remote.fingerprints);
    this.#remote = remote;
    if (same) return;
    this.#dtls?.close();
    this.#dtls = undefined;
    if (remote.role === 'server' || this.#peer !== undefined) this.startDtls();
  }

  on(_event: 'message', listener: MessageListener): this {
    this.#listeners.push(listener);
    return this;
  }

  /** RTP or RTCP from the session, protected; dropped until DTLS has given the keys. */
  send(bytes: Uint8Array): void {
    const peer = this.#peer;
    if (peer === undefined || this.#dtls === undefined || this.#closed) return;
    const packet = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    // RFC 5761 §4: with rtcp-mux the packet type tells RTCP from RTP.
    const protectedPacket = isRtcpPacket(packet) ? this.#dtls.protectRtcp(packet) : this.#dtls.protectRtp(packet);
    if (protectedPacket !== undefined) this.socket.send(protectedPacket, peer.port, peer.address);
  }

  /** Always 0: a packet is protected into new bytes inside `send`, so its caller may reuse its own. */
  getSendQueueCount(): number {
    return 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dtls?.close();
    this.socket.close();
  }

  private onDatagram(bytes: Buffer, from: RemoteInfo): void {
    if (this.#closed || bytes.length === 0) return;
    const first = bytes[0] as number;
    if (isStun(bytes)) this.onStun(bytes, from);
    // RFC 7983 §7: 20–63 is DTLS, 128–191 RTP and RTCP; anything else is dropped.
    else if (first >= 20 && first <= 63 && this.follow(from)) this.onDtls(bytes);
    else if (first >= 128 && first <= 191 && this.#checked.has(`${from.address}:${from.port}`)) this.onSrtp(bytes, from);
  }

  /**
   * RFC 8445 §7.3.1.5 leaves the lite agent the pair the controlling agent uses: before it
   * nominates one, answer on the pair its DTLS and media arrive on. False for a source that
   * passed no check (RFC 8445 §11: media only on a valid pair).
   */
  private follow(from: RemoteInfo): boolean {
    if (!this.#checked.has(`${from.address}:${from.port}`)) return false;
    if (!this.#nominated) this.#peer = { address: from.address, port: from.port };
    return true;
  }

  private onStun(bytes: Buffer, from: RemoteInfo): void {
    const answer = answerBinding(bytes, from, this.#ice);
    if (answer === undefined) return;
    this.counts.stunAnswered++;
    this.socket.send(answer.response, from.port, from.address);
    this.#checked.add(`${from.address}:${from.port}`);
    // RFC 8445 §7.3.1.5: a lite agent uses the pair the controlling agent nominates.
    if (answer.nominated || this.#peer === undefined) this.#peer = { address: from.address, port: from.port };
    this.#nominated ||= answer.nominated;
    if (this.#remote?.role === 'client' && this.#dtls === undefined) this.startDtls();
  }

  private onDtls(record: Buffer): void {
    if (this.#dtls !== undefined) this.#dtls.receive(record);
    else if (this.#early.length < EARLY_RECORDS) this.#early.push(record);
  }

  private onSrtp(bytes: Buffer, from: RemoteInfo): void {
    const dtls = this.#dtls;
    const plain = dtls === undefined ? undefined : isRtcpPacket(bytes) ? dtls.unprotectRtcp(bytes) : dtls.unprotectRtp(bytes);
    if (plain === undefined) {
      this.counts.unprotectFailed++;
      return;
    }
    this.follow(from);
    for (const listener of this.#listeners) listener(plain, from);
  }

  private startDtls(): void {
    const remote = this.#remote as WebRtcRemote;
    const dtls = new DtlsSrtp({
      role: remote.role,
      certificate: this.certificate,
      remoteFingerprints: remote.fingerprints,
      send: (record) => {
        const peer = this.#peer;
        if (peer !== undefined && !this.#closed) this.socket.send(record, peer.port, peer.address);
      },
      done: (error) => {
        if (error !== undefined && this.#dtls === dtls) this.onFailure(error.message);
      },
    });
    this.#dtls = dtls;
    for (const record of this.#early.splice(0)) dtls.receive(record);
  }
}

function sameFingerprints(a: readonly Fingerprint[], b: readonly Fingerprint[]): boolean {
  return a.length === b.length && a.every((f, i) => f.algorithm.toLowerCase() === b[i]?.algorithm.toLowerCase() && f.value.toUpperCase() === b[i]?.value.toUpperCase());
}
