/** Typical messages, as a softphone sends them, shared by the SIP tests and the parse benchmark. */

const sdp = [
  'v=0',
  'o=- 3912399466 3912399466 IN IP4 192.0.2.10',
  's=Kefu',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

export const INVITE = Buffer.from(
  [
    'INVITE sip:8001@pbx.example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
    'Max-Forwards: 70',
    'From: "张三" <sip:1001@pbx.example.com>;tag=1928301774',
    'To: <sip:8001@pbx.example.com>',
    'Call-ID: a84b4c76e66710@192.0.2.10',
    'CSeq: 314159 INVITE',
    'Contact: <sip:1001@192.0.2.10:5060;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY',
    'Supported: replaces, timer',
    'User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)',
    'X-Kefu-Opaque: ;;,,;;  keep "this" <as> it=is',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n'),
);

export const REGISTER = Buffer.from(
  [
    'REGISTER sip:pbx.example.com SIP/2.0',
    'Via: SIP/2.0/TCP 192.0.2.20:52311;branch=z9hG4bKnashds7;rport;alias',
    'Max-Forwards: 70',
    'From: <sip:1001@pbx.example.com>;tag=a73kszlfl',
    'To: <sip:1001@pbx.example.com>',
    'Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.20',
    'CSeq: 2 REGISTER',
    'Contact: <sip:1001@192.0.2.20:52311;transport=tcp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
    'Authorization: Digest username="1001", realm="pbx.example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", uri="sip:pbx.example.com", response="dfe56131d1958046689d83306477ecc", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001',
    'User-Agent: Yealink SIP-T46U 108.86.0.45',
    'Expires: 3600',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
);
