/**
 * A small reader of libpcap capture files (the classic format that sipp ships its media in):
 * Ethernet or Linux cooked captures of IPv4/UDP, returning each datagram's payload with its
 * capture time. Every length is checked; a malformed file fails with the offset of the problem.
 */
import { readFileSync } from 'node:fs';

export interface UdpDatagram {
  /** Capture time in milliseconds since the epoch. */
  timeMs: number;
  source: string;
  destination: string;
  payload: Uint8Array;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;

export function readPcapUdp(file: string): UdpDatagram[] {
  return parsePcapUdp(new Uint8Array(readFileSync(file)));
}

export function parsePcapUdp(bytes: Uint8Array): UdpDatagram[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) throw new Error(`pcap: a global header needs 24 bytes, got ${bytes.length}`);
  const magic = view.getUint32(0, true);
  // 0xa1b2c3d4: microseconds; 0xa1b23c4d: nanoseconds; written in the capturing host's order.
  const known = [0xa1b2c3d4, 0xa1b23c4d];
  let little: boolean;
  if (known.includes(magic)) little = true;
  else if (known.includes(view.getUint32(0, false))) little = false;
  else throw new Error(`pcap: unknown magic 0x${magic.toString(16)} at byte 0`);
  const nanoseconds = view.getUint32(0, little) === 0xa1b23c4d;
  const linkType = view.getUint32(20, little);
  if (linkType !== LINKTYPE_ETHERNET && linkType !== LINKTYPE_LINUX_SLL) throw new Error(`pcap: link type ${linkType} is not supported`);
  const datagrams: UdpDatagram[] = [];
  let offset = 24;
  while (offset < bytes.length) {
    if (bytes.length - offset < 16) throw new Error(`pcap: a record header is cut short at byte ${offset}`);
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const start = offset + 16;
    if (start + captured > bytes.length) throw new Error(`pcap: record at byte ${offset} claims ${captured} bytes past the end`);
    const frame = bytes.subarray(start, start + captured);
    const datagram = udpOf(frame, linkType, start);
    if (datagram !== undefined) {
      datagrams.push({ timeMs: seconds * 1000 + fraction / (nanoseconds ? 1e6 : 1e3), ...datagram });
    }
    offset = start + captured;
  }
  return datagrams;
}

function udpOf(frame: Uint8Array, linkType: number, at: number): Omit<UdpDatagram, 'timeMs'> | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let offset = linkType === LINKTYPE_ETHERNET ? 12 : 14;
  if (frame.length < offset + 2) throw new Error(`pcap: link header cut short at byte ${at}`);
  let etherType = view.getUint16(offset);
  offset += 2;
  if (etherType === 0x8100) {
    // IEEE 802.1Q: a VLAN tag, then the real type.
    if (frame.length < offset + 4) throw new Error(`pcap: VLAN tag cut short at byte ${at + offset}`);
    etherType = view.getUint16(offset + 2);
    offset += 4;
  }
  if (etherType !== 0x0800) return undefined; // not IPv4
  if (frame.length < offset + 20) throw new Error(`pcap: IPv4 header cut short at byte ${at + offset}`);
  const versionAndLength = frame[offset] ?? 0;
  const headerLength = 4 * (versionAndLength & 0x0f);
  const totalLength = view.getUint16(offset + 2);
  const protocol = frame[offset + 9] ?? 0;
  const fragment = view.getUint16(offset + 6) & 0x3fff; // more-fragments flag and offset
  if (versionAndLength >> 4 !== 4 || headerLength < 20) throw new Error(`pcap: bad IPv4 header at byte ${at + offset}`);
  if (protocol !== 17 || fragment !== 0) return undefined; // not UDP, or a fragment
  if (totalLength < headerLength + 8 || offset + totalLength > frame.length) {
    throw new Error(`pcap: IPv4 length ${totalLength} does not fit the frame at byte ${at + offset}`);
  }
  const source = [...frame.subarray(offset + 12, offset + 16)].join('.');
  const destination = [...frame.subarray(offset + 16, offset + 20)].join('.');
  const udp = offset + headerLength;
  const udpLength = view.getUint16(udp + 4);
  if (udpLength < 8 || udp + udpLength > offset + totalLength) throw new Error(`pcap: UDP length ${udpLength} does not fit at byte ${at + udp}`);
  return {
    source: `${source}:${view.getUint16(udp)}`,
    destination: `${destination}:${view.getUint16(udp + 2)}`,
    payload: frame.subarray(udp + 8, udp + udpLength),
  };
}
