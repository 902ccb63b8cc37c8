/**
 * Captures the UDP datagrams on the loopback interface with an AF_PACKET raw
 * socket, the way tcpdump's capture loop works: one socket bound to `lo` by
 * struct sockaddr_ll, every frame read with the sender's sockaddr_ll, its
 * IPv4 header decoded with struct iphdr (version and ihl are 4-bit fields).
 * Needs CAP_NET_RAW (root).
 *
 *   npx tsx examples/packet-capture.ts <udp port> [count]
 *
 * Prints `capturing on lo (ifindex N)`, then for each of `count` (default 1)
 * UDP datagrams to the port: `udp 127.0.0.1:<sport> -> 127.0.0.1:<dport> <payload bytes> bytes, ttl <ttl>`.
 */
import { readFileSync } from 'node:fs';
import * as sys from '../generated/index.js';

const port = Number(process.argv[2]);
const count = Number(process.argv[3] ?? 1);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: packet-capture.ts <udp port> [count]');
  process.exit(2);
}
const htons = (v: number) => ((v & 0xff) << 8) | (v >> 8);
const ifindex = Number(readFileSync('/sys/class/net/lo/ifindex', 'utf8'));
const fd = sys.socket(sys.AF_PACKET, sys.SOCK_RAW | sys.SOCK_CLOEXEC, htons(sys.ETH_P_ALL));
// sll_protocol is big-endian in the header (__be16): the accessor stores it so.
sys.bind(fd, sys.SockaddrLl.of({ sll_family: sys.AF_PACKET, sll_protocol: sys.ETH_P_ALL, sll_ifindex: ifindex }).bytes);
console.log(`capturing on lo (ifindex ${ifindex})`);

const ip = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
const frame = new Uint8Array(65536);
const from = new sys.SockaddrLl();
for (let seen = 0; seen < count; ) {
  const n = await sys.async.recvfrom(fd, frame, undefined, 0, from.bytes);
  // On loopback every frame appears twice (outgoing and incoming): take the incoming copy.
  if (from.sll_protocol !== sys.ETH_P_IP || from.sll_pkttype !== sys.PACKET_HOST) continue;
  const hdr = new sys.Iphdr(frame.subarray(14, n)); // after the 14-byte Ethernet header lo carries
  if (hdr.version !== 4 || hdr.protocol !== sys.IPPROTO_UDP) continue;
  const udp = new DataView(frame.buffer, 14 + hdr.ihl * 4, 8);
  if (udp.getUint16(2) !== port) continue;
  console.log(`udp ${ip(hdr.saddr)}:${udp.getUint16(0)} -> ${ip(hdr.daddr)}:${udp.getUint16(2)} ${udp.getUint16(4) - 8} bytes, ttl ${hdr.ttl}`);
  seen++;
}
sys.close(fd);
