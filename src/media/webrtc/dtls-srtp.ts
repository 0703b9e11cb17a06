/**
 * DTLS-SRTP (RFC 5763, RFC 5764) for one media port, behind an interface of our own: the only
 * file that imports werift (pinned to an exact version in package.json), and only its DTLS
 * handshake and SRTP contexts, not its peer connection. DTLS records come in and go out through
 * the port's socket; once the handshake is done and the peer's certificate matches the
 * fingerprint its SDP gave (RFC 5763 §5), SRTP keys come from the DTLS exporter (RFC 5764 §4.2).
 */
import { X509Certificate } from 'node:crypto';
import {
  CipherContext,
  DtlsClient,
  DtlsServer,
  HashAlgorithm,
  NamedCurveAlgorithm,
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpHeader,
  SignatureAlgorithm,
  SrtcpSession,
  SrtpSession,
  keyLength,
  saltLength,
  type DtlsSocket,
} from 'werift';

export interface Fingerprint {
  /** RFC 4572 §5 hash name, e.g. sha-256. */
  algorithm: string;
  /** Upper-case hex pairs joined by colons. */
  value: string;
}

export interface LocalCertificate {
  certPem: string;
  keyPem: string;
  signatureHash: Awaited<ReturnType<typeof CipherContext.createSelfSignedCertificateWithKey>>['signatureHash'];
  fingerprint: Fingerprint;
}

export type DtlsRole = 'client' | 'server';

let certificate: Promise<LocalCertificate> | undefined;

/** One self-signed ECDSA P-256 certificate per worker thread, made on first use. */
export function localCertificate(): Promise<LocalCertificate> {
  certificate ??= CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  ).then(({ certPem, keyPem, signatureHash }) => ({
    certPem,
    keyPem,
    signatureHash,
    fingerprint: { algorithm: 'sha-256', value: new X509Certificate(certPem).fingerprint256 },
  }));
  return certificate;
}

/** What the peer's certificate must hash to, by algorithm (RFC 8122 §5: any one that matches). */
function matches(der: Buffer, fingerprints: readonly Fingerprint[]): boolean {
  const cert = new X509Certificate(der);
  const hashes: Record<string, string> = { 'sha-1': cert.fingerprint, 'sha-256': cert.fingerprint256, 'sha-512': cert.fingerprint512 };
  return fingerprints.some((f) => hashes[f.algorithm.toLowerCase()]?.toUpperCase() === f.value.toUpperCase());
}

export interface DtlsSrtpOptions {
  role: DtlsRole;
  certificate: LocalCertificate;
  /** The fingerprints of the peer's SDP (a=fingerprint). */
  remoteFingerprints: readonly Fingerprint[];
  /** Sends a DTLS record to the peer. */
  send(record: Buffer): void;
  /** The handshake is done and SRTP keys are set; or it failed (a wrong certificate, an alert). */
  done(error?: Error): void;
}

export class DtlsSrtp {
  readonly #dtls: DtlsSocket;
  #deliver: (record: Buffer) => void = () => undefined;
  #srtp: SrtpSession | undefined;
  #srtcp: SrtcpSession | undefined;

  constructor(private readonly options: DtlsSrtpOptions) {
    const transport = {
      type: 'kefu-media',
      address: { address: '', family: 'IPv4', port: 0 },
      closed: false,
      onData: (_data: Buffer) => undefined as void,
      send: async (data: Buffer) => options.send(data),
      close: async () => undefined,
    };
    const settings = {
      cert: options.certificate.certPem,
      key: options.certificate.keyPem,
      signatureHash: options.certificate.signatureHash,
      transport,
      // RFC 5764 §4.1.2 and RFC 7714 §14.2: the profiles browsers offer.
      srtpProfiles: [ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80],
      extendedMasterSecret: true,
    };
    // RFC 5763 §5: the endpoint that sets up (a=setup:active) is the DTLS client.
    this.#dtls = options.role === 'server' ? new DtlsServer({ ...settings, certificateRequest: true }) : new DtlsClient(settings);
    // werift's socket sets its record handler on the transport it was given.
    this.#deliver = (record) => transport.onData(record);
    this.#dtls.onConnect.once(() => this.connected());
    this.#dtls.onError.once((error) => options.done(error));
    if (this.#dtls instanceof DtlsClient) this.#dtls.connect().catch((error: Error) => options.done(error));
  }

  get ready(): boolean {
    return this.#srtp !== undefined;
  }

  /** A DTLS record from the peer (RFC 7983: first byte 20–63). */
  receive(record: Buffer): void {
    this.#deliver(record);
  }

  /** An RTP packet, protected; undefined before the keys exist. */
  protectRtp(packet: Buffer): Buffer | undefined {
    if (this.#srtp === undefined) return undefined;
    const header = RtpHeader.deSerialize(packet);
    return this.#srtp.encrypt(packet.subarray(header.serializeSize), header);
  }

  protectRtcp(packet: Buffer): Buffer | undefined {
    return this.#srtcp?.encrypt(packet);
  }

  /** A protected RTP packet as plain RTP; undefined when it fails authentication (RFC 3711 §3.3). */
  unprotectRtp(packet: Buffer): Buffer | undefined {
    try {
      return this.#srtp?.decrypt(packet);
    } catch {
      return undefined;
    }
  }

  unprotectRtcp(packet: Buffer): Buffer | undefined {
    try {
      return this.#srtcp?.decrypt(packet);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#dtls.close();
  }

  private connected(): void {
    const remote = this.#dtls.remoteCertificate;
    if (remote === undefined || !matches(remote, this.options.remoteFingerprints)) {
      this.options.done(new Error("the peer's DTLS certificate does not match the fingerprint of its SDP"));
      return;
    }
    const profile = this.#dtls.srtp.srtpProfile;
    if (profile === undefined) {
      this.options.done(new Error('DTLS agreed no SRTP profile'));
      return;
    }
    // RFC 5764 §4.2: client and server keys and salts from the exporter; werift's "local" is ours.
    const keys = this.#dtls.extractSessionKeys(keyLength(profile), saltLength(profile));
    const config = {
      keys: { localMasterKey: keys.localKey, localMasterSalt: keys.localSalt, remoteMasterKey: keys.remoteKey, remoteMasterSalt: keys.remoteSalt },
      profile,
    };
    this.#srtp = new SrtpSession(config);
    this.#srtcp = new SrtcpSession(config);
    this.options.done();
  }
}
