/**
 * Socket syscalls over 127.0.0.1, AF_UNIX paths and socketpairs. The other end
 * is Node's net/dgram where it can be, and the kernel's tables (/proc/net/tcp,
 * `ss`) for socket state.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { bytes, fdFlags, fdTarget, makeTempDir, procFields, sh, text } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = makeTempDir('sockets')));
afterAll(() => cleanup());

const open: number[] = [];
const track = <T extends number | number[]>(x: T): T => {
  open.push(...([] as number[]).concat(x));
  return x;
};
afterEach(() => {
  for (const fd of open.splice(0)) {
    try {
      sys.close(fd);
    } catch {
      /* closed by the test */
    }
  }
});

const LOOPBACK = 0x7f000001;
/** struct sockaddr_in for 127.0.0.1:port. */
function inet(port: number, addr = LOOPBACK): sys.SockaddrIn {
  const sa = sys.SockaddrIn.of({ sin_family: sys.AF_INET, sin_port: port });
  sa.sin_addr.s_addr = addr;
  return sa;
}
const int32 = (v: number) => new Uint8Array(Int32Array.of(v).buffer);
const readInt32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

/** A TCP socket listening on 127.0.0.1 at a kernel-chosen port. */
function tcpListener(): { fd: number; port: number } {
  const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM | sys.SOCK_CLOEXEC));
  sys.setsockopt(fd, sys.SOL_SOCKET, sys.SO_REUSEADDR, int32(1));
  sys.bind(fd, inet(0).bytes);
  sys.listen(fd, 16);
  const sa = new sys.SockaddrIn();
  expect(sys.getsockname(fd, sa.bytes)).toBe(sys.SockaddrIn.size);
  return { fd, port: sa.sin_port };
}

/** /proc/net/tcp rows for 127.0.0.1:port as local address: their state codes (0A listen, 01 established). */
function tcpStates(port: number, remotePort?: number): string[] {
  const at = (p: number) => `0100007F:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    // With the remote port too: an earlier connection from the same local port may linger in TIME_WAIT.
    .filter((cols) => cols[1] === at(port) && (remotePort === undefined || cols[2] === at(remotePort)))
    .map((cols) => cols[3]!);
}

/** The arguments of the next `event` from emitter; rejects after 5 s so a missing event fails fast instead of hanging. */
const nextArgs = <A extends unknown[]>(emitter: NodeJS.EventEmitter, event: string) =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event within 5 s`)), 5000);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as A);
    });
  });
/** The first argument of the next `event`. */
const once = <T>(emitter: NodeJS.EventEmitter, event: string) => nextArgs<[T]>(emitter, event).then((a) => a[0]);

describe('socket', () => {
  it('creates a socket fd (/proc shows socket:[inode]); SOCK_NONBLOCK and SOCK_CLOEXEC apply', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM | sys.SOCK_NONBLOCK | sys.SOCK_CLOEXEC));
    expect(fdTarget(fd)).toMatch(/^socket:\[\d+\]$/);
    expect(fdFlags(fd) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
    expect(fdFlags(fd) & 0o2000000).toBe(0o2000000);
    expect(fs.fstatSync(fd).isSocket()).toBe(true);
  });

  it('an unknown family fails with EAFNOSUPPORT', () => {
    expect(() => sys.socket(12345, sys.SOCK_STREAM)).toThrow(
      expect.objectContaining({ code: 'EAFNOSUPPORT', errno: os.constants.errno.EAFNOSUPPORT, syscall: 'socket' }),
    );
  });
});

describe('TCP over 127.0.0.1 with a Node peer', () => {
  it('bind/listen/getsockname: the kernel lists the port as LISTEN and Node can connect to it', async () => {
    const { fd, port } = tcpListener();
    expect(port).toBeGreaterThan(0);
    expect(tcpStates(port)).toContain('0A');
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    const peer = new sys.SockaddrIn();
    const conn = track(await sys.async.accept4(fd, peer.bytes, sys.SOCK_CLOEXEC));
    try {
      expect(peer.sin_family).toBe(sys.AF_INET);
      expect(peer.sin_port).toBe(client.localPort);
      expect(peer.sin_addr.s_addr).toBe(LOOPBACK);
      // getpeername of the accepted socket is Node's end.
      const p2 = new sys.SockaddrIn();
      expect(sys.getpeername(conn, p2.bytes)).toBe(sys.SockaddrIn.size);
      expect(p2.sin_port).toBe(client.localPort);
      // Data both ways.
      client.write('hello from node');
      const buf = new Uint8Array(64);
      const r = await sys.async.read(conn, buf);
      expect(text(buf, r)).toBe('hello from node');
      const got = once<Buffer>(client, 'data');
      sys.write(conn, bytes('hello from sysbind'));
      expect((await got).toString()).toBe('hello from sysbind');
      // shutdown(SHUT_WR): Node sees end-of-stream.
      const ended = once(client, 'end');
      sys.shutdown(conn, sys.SHUT_WR);
      await ended;
    } finally {
      client.destroy();
    }
  });

  it('async.connect to a Node server; async.sendto/recvfrom carry data both ways', async () => {
    const server = net.createServer();
    const conns = once<net.Socket>(server, 'connection');
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    try {
      const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
      await sys.async.connect(fd, inet(port).bytes);
      const s = await conns;
      const local = new sys.SockaddrIn();
      sys.getsockname(fd, local.bytes);
      expect(s.remotePort).toBe(local.sin_port);
      expect(s.remoteAddress).toBe('127.0.0.1');
      const peer = new sys.SockaddrIn();
      sys.getpeername(fd, peer.bytes);
      expect(peer.sin_port).toBe(port);

      const data = once<Buffer>(s, 'data');
      expect(await sys.async.sendto(fd, bytes('async sendto'), undefined, 0)).toBe(12);
      expect((await data).toString()).toBe('async sendto');

      s.write('reply from node');
      const buf = new Uint8Array(64);
      const r = await sys.async.recvfrom(fd, buf, undefined, 0);
      expect(text(buf, r)).toBe('reply from node');

      // async sendmsg/recvmsg with two iovecs each.
      const got = once<Buffer>(s, 'data');
      const out = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('part one|') }, { iov_base: bytes('part two') }]) });
      expect(await sys.async.sendmsg(fd, out)).toBe(17);
      expect((await got).toString()).toBe('part one|part two');
      s.write('0123456789');
      const a = new Uint8Array(4);
      const b = new Uint8Array(6);
      const inMsg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: a }, { iov_base: b }]) });
      expect(await sys.async.recvmsg(fd, inMsg, sys.MSG_WAITALL)).toBe(10);
      expect([text(a), text(b)]).toEqual(['0123', '456789']);
      s.destroy();
    } finally {
      server.close();
    }
  });

  it('async.connect to a closed port rejects with ECONNREFUSED', async () => {
    const { fd: l, port } = tcpListener();
    sys.close(l);
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    await expect(sys.async.connect(fd, inet(port).bytes)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      errno: os.constants.errno.ECONNREFUSED,
      syscall: 'connect',
    });
  });
});

describe('TCP between two sysbind sockets', () => {
  function pair(): { client: number; server: number; port: number; clientPort: number } {
    const { fd, port } = tcpListener();
    const client = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.connect(client, inet(port).bytes);
    const peer = new sys.SockaddrIn();
    const server = track(sys.accept4(fd, peer.bytes));
    return { client, server, port, clientPort: peer.sin_port };
  }

  it('connect/accept4: names agree on both ends and /proc/net/tcp shows the connection', () => {
    const { client, server, port, clientPort } = pair();
    const cl = new sys.SockaddrIn();
    sys.getsockname(client, cl.bytes);
    expect(cl.sin_port).toBe(clientPort);
    const cp = new sys.SockaddrIn();
    sys.getpeername(client, cp.bytes);
    expect(cp.sin_port).toBe(port);
    const sp = new sys.SockaddrIn();
    sys.getpeername(server, sp.bytes);
    expect(sp.sin_port).toBe(clientPort);
    expect(tcpStates(clientPort, port)).toEqual(['01']);
    expect(tcpStates(port).sort()).toEqual(['01', '0A']);
  });

  it('accept fills the peer address (the client\'s port, as getsockname gives it) and its length', () => {
    const { fd, port } = tcpListener();
    const client = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.connect(client, inet(port).bytes);
    const peer = new sys.SockaddrIn();
    const conn = track(sys.accept(fd, peer.bytes));
    const mine = new sys.SockaddrIn();
    sys.getsockname(client, mine.bytes);
    expect(peer.sin_port).toBe(mine.sin_port);
    expect(tcpStates(mine.sin_port, port)).toEqual(['01']);
    // A second connection accepted without an address buffer.
    const other = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.connect(other, inet(port).bytes);
    expect(track(sys.accept(fd))).toBeGreaterThan(conn);
  });

  it('accept4 without an address buffer, with SOCK_NONBLOCK', () => {
    const { fd, port } = tcpListener();
    const client = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.connect(client, inet(port).bytes);
    const conn = track(sys.accept4(fd, null, sys.SOCK_NONBLOCK));
    expect(fdFlags(conn) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
    expect(() => sys.recvfrom(conn, new Uint8Array(4), undefined, 0)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    // Nothing else pending: a nonblocking listener says EAGAIN.
    sys.fcntl(fd, sys.F_SETFL, sys.O_NONBLOCK);
    expect(() => sys.accept4(fd)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'accept4' }));
  });

  it('sendto/recvfrom move bytes; MSG_PEEK leaves them queued; fs reads the same stream', () => {
    const { client, server } = pair();
    expect(sys.sendto(client, bytes('peekaboo'), undefined, 0)).toBe(8);
    const buf = new Uint8Array(16);
    expect(sys.recvfrom(server, buf, undefined, sys.MSG_PEEK)).toBe(8);
    expect(text(buf, 8)).toBe('peekaboo');
    const b2 = Buffer.alloc(16);
    expect(fs.readSync(server, b2)).toBe(8);
    expect(b2.subarray(0, 8).toString()).toBe('peekaboo');
    fs.writeSync(server, 'back');
    expect(sys.recvfrom(client, buf, 4, 0)).toBe(4);
    expect(text(buf, 4)).toBe('back');
  });

  it('sendmsg/recvmsg gather and scatter across two iovecs', () => {
    const { client, server } = pair();
    const out = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('head:') }, { iov_base: bytes('tail') }]) });
    expect(sys.sendmsg(client, out)).toBe(9);
    const a = new Uint8Array(5);
    const b = new Uint8Array(10);
    const inMsg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: a }, { iov_base: b }]) });
    expect(sys.recvmsg(server, inMsg)).toBe(9);
    expect(text(a)).toBe('head:');
    expect(text(b, 4)).toBe('tail');
  });

  it('shutdown(SHUT_WR) gives the peer end-of-file; writing after it fails with EPIPE', () => {
    const { client, server } = pair();
    sys.shutdown(client, sys.SHUT_WR);
    expect(sys.recvfrom(server, new Uint8Array(8), undefined, 0)).toBe(0);
    expect(() => sys.sendto(client, bytes('x'), undefined, sys.MSG_NOSIGNAL)).toThrow(expect.objectContaining({ code: 'EPIPE', syscall: 'sendto' }));
    // The other direction still works.
    fs.writeSync(server, 'still open');
    const buf = new Uint8Array(16);
    expect(text(buf, sys.recvfrom(client, buf, undefined, 0))).toBe('still open');
    expect(() => sys.shutdown(client, 99)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'shutdown' }));
  });

  it('getpeername of an unconnected socket fails with ENOTCONN', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    expect(() => sys.getpeername(fd, new sys.SockaddrIn().bytes)).toThrow(expect.objectContaining({ code: 'ENOTCONN', syscall: 'getpeername' }));
  });

  it('bind to a port in use fails with EADDRINUSE; listen on a UDP socket with EOPNOTSUPP', () => {
    const { port } = tcpListener();
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    expect(() => sys.bind(fd, inet(port).bytes)).toThrow(expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind' }));
    const u = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    expect(() => sys.listen(u, 1)).toThrow(expect.objectContaining({ code: 'EOPNOTSUPP', syscall: 'listen' }));
  });

  it('async.accept4 waits for a connection made later', async () => {
    const { fd, port } = tcpListener();
    const pending = sys.async.accept4(fd);
    const client = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    await new Promise((r) => setTimeout(r, 10));
    sys.connect(client, inet(port).bytes);
    const conn = track(await pending);
    fs.writeSync(client, 'via async accept');
    const buf = Buffer.alloc(32);
    expect(buf.subarray(0, fs.readSync(conn, buf)).toString()).toBe('via async accept');
  });
});

describe('UDP with a Node dgram peer', () => {
  it('recvfrom reports the sender address Node used; sendto with an address reaches Node', async () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.bind(fd, inet(0).bytes);
    const me = new sys.SockaddrIn();
    sys.getsockname(fd, me.bytes);
    const node = dgram.createSocket('udp4');
    node.bind(0, '127.0.0.1');
    await once(node, 'listening');
    try {
      const nodePort = node.address().port;
      node.send('datagram from node', me.sin_port, '127.0.0.1');
      const buf = new Uint8Array(64);
      const from = new sys.SockaddrIn();
      const r = await sys.async.recvfrom(fd, buf, undefined, 0, from.bytes);
      expect(text(buf, r)).toBe('datagram from node');
      expect(from.sin_port).toBe(nodePort);
      expect(from.sin_addr.s_addr).toBe(LOOPBACK);

      const got = nextArgs<[Buffer, dgram.RemoteInfo]>(node, 'message');
      expect(sys.sendto(fd, bytes('datagram from sysbind'), undefined, 0, inet(nodePort).bytes)).toBe(21);
      const [b, rinfo] = await got;
      expect(b.toString()).toBe('datagram from sysbind');
      expect(rinfo.port).toBe(me.sin_port);
    } finally {
      node.close();
    }
  });

  it('recvfrom with a small buffer truncates the datagram (the rest is discarded)', () => {
    const a = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.bind(a, inet(0).bytes);
    const sa = new sys.SockaddrIn();
    sys.getsockname(a, sa.bytes);
    const b = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.sendto(b, bytes('0123456789'), undefined, 0, sa.bytes);
    sys.sendto(b, bytes('second'), undefined, 0, sa.bytes);
    const buf = new Uint8Array(4);
    expect(sys.recvfrom(a, buf, undefined, 0)).toBe(4);
    expect(text(buf)).toBe('0123');
    const big = new Uint8Array(16);
    expect(text(big, sys.recvfrom(a, big, undefined, 0))).toBe('second');
  });

  it('async.sendto with an address reaches a Node dgram socket', async () => {
    const node = dgram.createSocket('udp4');
    node.bind(0, '127.0.0.1');
    await once(node, 'listening');
    try {
      const got = once<Buffer>(node, 'message');
      const fd = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
      expect(await sys.async.sendto(fd, bytes('async datagram'), undefined, 0, inet(node.address().port).bytes)).toBe(14);
      expect((await got).toString()).toBe('async datagram');
    } finally {
      node.close();
    }
  });
});

describe('raw IPv4 socket (needs CAP_NET_RAW)', () => {
  it('receives a datagram Node sent with its IP header: struct iphdr decodes version, ihl, protocol, length and addresses', async () => {
    let fd: number;
    try {
      fd = track(sys.socket(sys.AF_INET, sys.SOCK_RAW, sys.IPPROTO_UDP));
    } catch (e) {
      // CI runs as root, where a raw socket must open. Without CAP_NET_RAW (bit 13 of CapEff) the kernel's
      // refusal is what there is to check: EPERM, and /proc agrees the capability is missing.
      if (process.env.CI === 'true' || process.getuid?.() === 0) throw e;
      expect(e).toMatchObject({ code: 'EPERM', syscall: 'socket' });
      expect((BigInt(`0x${procFields('/proc/self/status').get('CapEff')}`) >> 13n) & 1n).toBe(0n);
      return;
    }
    const node = dgram.createSocket('udp4');
    node.bind(0, '127.0.0.1');
    await once(node, 'listening');
    try {
      const payload = 'seen by a raw socket';
      node.send(payload, node.address().port, '127.0.0.1');
      const buf = new Uint8Array(1500);
      // Other UDP traffic on this host may arrive too: read until Node's datagram (by its port) shows up.
      for (;;) {
        const n = await sys.async.recvfrom(fd, buf, undefined, 0);
        const ip = new sys.Iphdr(buf.subarray(0, n));
        const udp = new DataView(buf.buffer, buf.byteOffset + ip.ihl * 4);
        if (udp.getUint16(2) !== node.address().port) continue;
        expect(ip.version).toBe(4);
        expect(ip.ihl).toBe(5);
        expect(ip.protocol).toBe(17); // IPPROTO_UDP, as RFC 768 numbers it
        expect(ip.tot_len).toBe(n);
        expect(ip.tot_len).toBe(sys.Iphdr.size + 8 + payload.length);
        expect(ip.saddr).toBe(LOOPBACK);
        expect(ip.daddr).toBe(LOOPBACK);
        expect(text(buf.subarray(ip.ihl * 4 + 8, n))).toBe(payload);
        break;
      }
    } finally {
      node.close();
    }
  });
});

describe('socketpair', () => {
  it('makes two connected AF_UNIX sockets: Node fs reads what sendmsg gathered', () => {
    const [a, b] = track(sys.socketpair(sys.AF_UNIX, sys.SOCK_STREAM));
    expect(fdTarget(a)).toMatch(/^socket:/);
    expect(fdTarget(b)).toMatch(/^socket:/);
    expect(fdTarget(a)).not.toBe(fdTarget(b));
    const msg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('alpha-') }, { iov_base: bytes('beta') }]) });
    expect(sys.sendmsg(a, msg)).toBe(10);
    const buf = Buffer.alloc(32);
    expect(buf.subarray(0, fs.readSync(b, buf)).toString()).toBe('alpha-beta');
  });

  it('recvmsg scatters what fs.writeSync sent into two iovecs', () => {
    const [a, b] = track(sys.socketpair(sys.AF_UNIX, sys.SOCK_STREAM));
    fs.writeSync(b, 'scatter-me');
    const x = new Uint8Array(7);
    const y = new Uint8Array(7);
    const msg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: x }, { iov_base: y }]) });
    expect(sys.recvmsg(a, msg)).toBe(10);
    expect(text(x)).toBe('scatter');
    expect(text(y, 3)).toBe('-me');
  });

  it('SOCK_DGRAM pairs keep message boundaries; recvmsg sets MSG_TRUNC in msg_flags for a short buffer', () => {
    const [a, b] = track(sys.socketpair(sys.AF_UNIX, sys.SOCK_DGRAM));
    fs.writeSync(a, 'one whole message');
    fs.writeSync(a, 'two');
    const x = new Uint8Array(3);
    const msg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: x }]) });
    expect(sys.recvmsg(b, msg)).toBe(3);
    expect(text(x)).toBe('one');
    expect(msg.msg_flags & sys.MSG_TRUNC).toBe(sys.MSG_TRUNC);
    const y = new Uint8Array(16);
    const msg2 = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: y }]) });
    expect(sys.recvmsg(b, msg2)).toBe(3);
    expect(text(y, 3)).toBe('two');
    expect(msg2.msg_flags & sys.MSG_TRUNC).toBe(0);
  });

  it('recvmsg fills msg_name with the sender of a datagram (AF_INET)', () => {
    const a = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.bind(a, inet(0).bytes);
    const aAddr = new sys.SockaddrIn();
    sys.getsockname(a, aAddr.bytes);
    const b = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.bind(b, inet(0).bytes);
    const bAddr = new sys.SockaddrIn();
    sys.getsockname(b, bAddr.bytes);
    const to = sys.Msghdr.of({ msg_name: inet(aAddr.sin_port).bytes, msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('named') }]) });
    expect(sys.sendmsg(b, to)).toBe(5);
    const from = new sys.SockaddrIn();
    const body = new Uint8Array(8);
    const msg = sys.Msghdr.of({ msg_name: from.bytes, msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: body }]) });
    expect(sys.recvmsg(a, msg)).toBe(5);
    expect(text(body, 5)).toBe('named');
    expect(from.sin_port).toBe(bAddr.sin_port);
    expect(msg.msg_namelen).toBe(sys.SockaddrIn.size);
  });

  it('async.sendmsg and async.recvmsg over a socketpair', async () => {
    const [a, b] = track(sys.socketpair(sys.AF_UNIX, sys.SOCK_STREAM));
    const x = new Uint8Array(5);
    const y = new Uint8Array(5);
    const pending = sys.async.recvmsg(b, sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: x }, { iov_base: y }]) }), sys.MSG_WAITALL);
    await new Promise((r) => setTimeout(r, 10));
    const sent = await sys.async.sendmsg(a, sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('abc') }, { iov_base: bytes('defghij') }]) }));
    expect(sent).toBe(10);
    expect(await pending).toBe(10);
    expect([text(x), text(y)]).toEqual(['abcde', 'fghij']);
  });
});

describe('ancillary data (msg_control)', () => {
  it('SCM_RIGHTS passes a descriptor: the received fd is the same pipe (/proc) and writes through it arrive', () => {
    const [a, b] = track(sys.socketpair(sys.AF_UNIX, sys.SOCK_STREAM));
    const [r, w] = track(sys.pipe2());
    // struct cmsghdr on x86-64: size_t cmsg_len, int cmsg_level, int cmsg_type, then data (CMSG_SPACE(4) = 24).
    const control = new Uint8Array(24);
    const dv = new DataView(control.buffer);
    dv.setBigUint64(0, 20n, true); // CMSG_LEN(sizeof(int))
    dv.setInt32(8, sys.SOL_SOCKET, true);
    dv.setInt32(12, sys.SCM_RIGHTS, true);
    dv.setInt32(16, w, true);
    const out = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('fd') }]), msg_control: control });
    expect(sys.sendmsg(a, out)).toBe(2);

    const inControl = new Uint8Array(64);
    const body = new Uint8Array(8);
    const msg = sys.Msghdr.of({ msg_iov: sys.StructArray.from(sys.Iovec, [{ iov_base: body }]), msg_control: inControl });
    expect(sys.recvmsg(b, msg)).toBe(2);
    expect(msg.msg_controllen).toBe(24n); // the kernel wrote back how much control data it stored
    const idv = new DataView(inControl.buffer);
    expect(idv.getBigUint64(0, true)).toBe(20n);
    expect(idv.getInt32(8, true)).toBe(sys.SOL_SOCKET);
    expect(idv.getInt32(12, true)).toBe(sys.SCM_RIGHTS);
    const received = track(idv.getInt32(16, true));
    expect(received).not.toBe(w);
    expect(fdTarget(received)).toBe(fdTarget(w));
    fs.writeSync(received, 'via passed fd');
    const buf = Buffer.alloc(32);
    expect(buf.subarray(0, fs.readSync(r, buf)).toString()).toBe('via passed fd');
  });
});

describe('IPv6 loopback', () => {
  it('bind to [::1]:0, getsockname → SockaddrIn6 port; Node connects over IPv6', async () => {
    const fd = track(sys.socket(sys.AF_INET6, sys.SOCK_STREAM));
    const sa = sys.SockaddrIn6.of({ sin6_family: sys.AF_INET6 });
    sa.sin6_addr.s6_addr[15] = 1; // ::1
    sys.bind(fd, sa.bytes);
    sys.listen(fd, 4);
    const me = new sys.SockaddrIn6();
    expect(sys.getsockname(fd, me.bytes)).toBe(sys.SockaddrIn6.size);
    expect(me.sin6_family).toBe(sys.AF_INET6);
    expect(Buffer.from(me.sin6_addr.s6_addr).toString('hex')).toBe('0'.repeat(31) + '1');
    const client = net.connect(me.sin6_port, '::1');
    const connected = once(client, 'connect');
    const peer = new sys.SockaddrIn6();
    const conn = track(await sys.async.accept4(fd, peer.bytes));
    await connected;
    try {
      expect(client.remotePort).toBe(me.sin6_port);
      expect(peer.sin6_port).toBe(client.localPort);
      const data = once<Buffer>(client, 'data');
      sys.write(conn, bytes('over ipv6'));
      expect((await data).toString()).toBe('over ipv6');
    } finally {
      client.destroy();
    }
  });
});

describe('setsockopt and getsockopt', () => {
  it('SO_REUSEADDR: off by default, on after setsockopt (int, optlen 4)', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    const v = new Uint8Array(4);
    expect(sys.getsockopt(fd, sys.SOL_SOCKET, sys.SO_REUSEADDR, v)).toBe(4);
    expect(readInt32(v)).toBe(0);
    sys.setsockopt(fd, sys.SOL_SOCKET, sys.SO_REUSEADDR, int32(1));
    expect(sys.getsockopt(fd, sys.SOL_SOCKET, sys.SO_REUSEADDR, v)).toBe(4);
    expect(readInt32(v)).toBe(1);
  });

  it('SO_RCVBUF: the kernel doubles the value set (socket(7)); `ss -m` shows the same rb', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.setsockopt(fd, sys.SOL_SOCKET, sys.SO_RCVBUF, int32(32768));
    const v = new Uint8Array(4);
    sys.getsockopt(fd, sys.SOL_SOCKET, sys.SO_RCVBUF, v);
    expect(readInt32(v)).toBe(65536);
    sys.bind(fd, inet(0).bytes);
    sys.listen(fd, 1);
    const sa = new sys.SockaddrIn();
    sys.getsockname(fd, sa.bytes);
    const line = sh(`ss -Hltnm 'sport = :${sa.sin_port}'`);
    expect(line).toMatch(/\brb65536\b/);
  });

  it('SO_LINGER round-trips a Linger struct', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.setsockopt(fd, sys.SOL_SOCKET, sys.SO_LINGER, sys.Linger.of({ l_onoff: 1, l_linger: 7 }).bytes);
    const l = new sys.Linger();
    expect(sys.getsockopt(fd, sys.SOL_SOCKET, sys.SO_LINGER, l.bytes)).toBe(sys.Linger.size);
    expect(l.toJSON()).toEqual({ l_onoff: 1, l_linger: 7 });
  });

  it('SO_TYPE and SO_ERROR read back as ints; an unknown option fails with ENOPROTOOPT', () => {
    const d = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    const s = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    const v = new Uint8Array(4);
    sys.getsockopt(d, sys.SOL_SOCKET, sys.SO_TYPE, v);
    const dgramType = readInt32(v);
    sys.getsockopt(s, sys.SOL_SOCKET, sys.SO_TYPE, v);
    expect(readInt32(v)).not.toBe(dgramType);
    expect([dgramType, readInt32(v)]).toEqual([sys.SOCK_DGRAM, sys.SOCK_STREAM]);
    sys.getsockopt(s, sys.SOL_SOCKET, sys.SO_ERROR, v);
    expect(readInt32(v)).toBe(0);
    expect(() => sys.getsockopt(s, sys.SOL_SOCKET, 9999, v)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT', syscall: 'getsockopt' }));
    expect(() => sys.setsockopt(s, sys.SOL_SOCKET, 9999, v)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT', syscall: 'setsockopt' }));
  });

  it('TCP_NODELAY at IPPROTO_TCP level', () => {
    const s = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    const v = new Uint8Array(4);
    sys.getsockopt(s, sys.IPPROTO_TCP, sys.TCP_NODELAY, v);
    expect(readInt32(v)).toBe(0);
    sys.setsockopt(s, sys.IPPROTO_TCP, sys.TCP_NODELAY, int32(1));
    sys.getsockopt(s, sys.IPPROTO_TCP, sys.TCP_NODELAY, v);
    expect(readInt32(v)).toBe(1);
  });
});

describe('AF_UNIX sockets bound to a path', () => {
  it('bind creates a socket file fs.statSync sees; Node connects; getsockname returns the path', async () => {
    const path = join(dir, 'unix.sock');
    const fd = track(sys.socket(sys.AF_UNIX, sys.SOCK_STREAM));
    const sa = sys.SockaddrUn.of({ sun_family: sys.AF_UNIX, sun_path: path });
    sys.bind(fd, sa.bytes);
    expect(fs.statSync(path).isSocket()).toBe(true);
    sys.listen(fd, 4);
    const name = new sys.SockaddrUn();
    const len = sys.getsockname(fd, name.bytes);
    expect(name.sun_path).toBe(path);
    expect(len).toBe(2 + Buffer.byteLength(path) + 1);

    const client = net.connect(path);
    const connected = once(client, 'connect');
    const conn = track(await sys.async.accept4(fd));
    await connected;
    try {
      client.write('over a unix socket');
      const buf = new Uint8Array(64);
      expect(text(buf, await sys.async.read(conn, buf))).toBe('over a unix socket');
      const back = once<Buffer>(client, 'data');
      sys.sendto(conn, bytes('and back'), undefined, 0);
      expect((await back).toString()).toBe('and back');
    } finally {
      client.destroy();
    }
    // Binding the same path again fails: the file exists.
    const again = track(sys.socket(sys.AF_UNIX, sys.SOCK_STREAM));
    expect(() => sys.bind(again, sa.bytes)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
  });

  it('connect to a Node server listening on a path', async () => {
    const path = join(dir, 'node.sock');
    const server = net.createServer();
    const conn = once<net.Socket>(server, 'connection');
    server.listen(path);
    await once(server, 'listening');
    try {
      const fd = track(sys.socket(sys.AF_UNIX, sys.SOCK_STREAM));
      sys.connect(fd, sys.SockaddrUn.of({ sun_family: sys.AF_UNIX, sun_path: path }).bytes);
      const s = await conn;
      const data = once<Buffer>(s, 'data');
      sys.write(fd, bytes('to node over unix'));
      expect((await data).toString()).toBe('to node over unix');
      const peer = new sys.SockaddrUn();
      sys.getpeername(fd, peer.bytes);
      expect(peer.sun_path).toBe(path);
      s.destroy();
    } finally {
      server.close();
    }
  });
});

describe('setsockopt typed per option (read back by python3 from the inherited descriptor)', () => {
  /** python3's view of a socket option, on our descriptor passed to it as fd 3. */
  const pyGet = (fd: number, expr: string) =>
    execFileSync('python3', ['-c', `import socket, struct\ns = socket.socket(fileno=3)\nprint(${expr})\ns.detach()`], { stdio: ['ignore', 'pipe', 'inherit', fd], encoding: 'utf8' }).trim();
  const opt = (level: string, name: string) => `s.getsockopt(socket.${level}, socket.${name})`;

  it('int options: SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY on a TCP socket; SO_BROADCAST, IP_MULTICAST_TTL on UDP', () => {
    const tcp = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    for (const [set, level, name] of [
      [sys.setsockopt_SO_REUSEADDR, 'SOL_SOCKET', 'SO_REUSEADDR'],
      [sys.setsockopt_SO_KEEPALIVE, 'SOL_SOCKET', 'SO_KEEPALIVE'],
      [sys.setsockopt_TCP_NODELAY, 'IPPROTO_TCP', 'TCP_NODELAY'],
    ] as const) {
      expect(pyGet(tcp, opt(level, name))).toBe('0');
      set(tcp, 1);
      expect(pyGet(tcp, opt(level, name)), name).toBe('1');
      set(tcp, 0);
      expect(pyGet(tcp, opt(level, name)), name).toBe('0');
    }
    const udp = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    sys.setsockopt_SO_BROADCAST(udp, 1);
    expect(pyGet(udp, opt('SOL_SOCKET', 'SO_BROADCAST'))).toBe('1');
    sys.setsockopt_IP_MULTICAST_TTL(udp, 7);
    expect(pyGet(udp, opt('IPPROTO_IP', 'IP_MULTICAST_TTL'))).toBe('7');
    expect(() => sys.setsockopt_IP_MULTICAST_TTL(udp, 2 ** 40)).toThrow(RangeError);
  });

  it('SO_RCVBUF is doubled by the kernel, up to twice net.core.rmem_max (socket(7))', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    const max = Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    sys.setsockopt_SO_RCVBUF(fd, 65536);
    expect(Number(pyGet(fd, opt('SOL_SOCKET', 'SO_RCVBUF')))).toBe(2 * Math.min(65536, max));
  });

  it('SO_LINGER takes a Linger', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_STREAM));
    sys.setsockopt_SO_LINGER(fd, sys.Linger.of({ l_onoff: 1, l_linger: 5 }));
    expect(pyGet(fd, `struct.unpack('ii', s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))`)).toBe('(1, 5)');
    expect(() => sys.setsockopt_SO_LINGER(fd, new Uint8Array(8) as never)).toThrow(TypeError);
  });

  it('IP_ADD_MEMBERSHIP joins a group on lo that /proc/net/igmp lists; IP_DROP_MEMBERSHIP leaves it', () => {
    const fd = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM));
    const m = new sys.IpMreqn();
    m.imr_multiaddr.bytes.set([239, 7, 8, 9]); // network byte order, whatever the host's
    // lo by its index and by its address: qemu-user's 64-bit targets take struct ip_mreqn as 16 bytes
    // (a long imr_ifindex) and drop the index of the kernel's 12-byte record, so the address must say it too.
    m.imr_address.bytes.set([127, 0, 0, 1]);
    m.imr_ifindex = Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8'));
    // /proc/net/igmp prints the group's four bytes as one 32-bit value of this (x86) kernel's order, in hex.
    const group = Buffer.from([239, 7, 8, 9]).readUInt32LE(0).toString(16).toUpperCase().padStart(8, '0');
    const groups = () => fs.readFileSync('/proc/net/igmp', 'utf8').toUpperCase();
    expect(groups()).not.toContain(group);
    sys.setsockopt_IP_ADD_MEMBERSHIP(fd, m);
    expect(groups()).toContain(group);
    sys.setsockopt_IP_DROP_MEMBERSHIP(fd, m);
    expect(groups()).not.toContain(group);
  });
});
