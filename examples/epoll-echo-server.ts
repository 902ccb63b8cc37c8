/**
 * A TCP echo server on one epoll loop, the way a C server is written: a
 * non-blocking listening socket, accept4 on readiness, read and write back.
 * The loop waits in the async form of epoll_pwait, off the JavaScript thread.
 *
 *   npx tsx examples/epoll-echo-server.ts [port]
 *
 * Prints `listening on 127.0.0.1:<port>`, echoes what each client sends, and
 * exits when a client sends a line `quit`.
 */
import * as sys from '../generated/index.js';

const port = Number(process.argv[2] ?? 0);
const listener = sys.socket(sys.AF_INET, sys.SOCK_STREAM | sys.SOCK_NONBLOCK | sys.SOCK_CLOEXEC);
sys.setsockopt(listener, sys.SOL_SOCKET, sys.SO_REUSEADDR, new Uint8Array(Int32Array.of(1).buffer));
const addr = sys.SockaddrIn.of({ sin_family: sys.AF_INET, sin_port: port });
addr.sin_addr.s_addr = 0x7f000001; // 127.0.0.1 (the field is big-endian; the accessor swaps)
sys.bind(listener, addr.bytes);
sys.listen(listener, 64);
const bound = new sys.SockaddrIn();
sys.getsockname(listener, bound.bytes);

const ep = sys.epoll_create1(sys.EPOLL_CLOEXEC);
const watch = (fd: number) => sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, fd, sys.EpollEvent.of({ events: sys.EPOLLIN, data: BigInt(fd) }));
watch(listener);
console.log(`listening on 127.0.0.1:${bound.sin_port}`);

const clients = new Set<number>();
const events = new sys.StructArray(sys.EpollEvent, 32);
const buf = new Uint8Array(64 * 1024);
let running = true;
while (running) {
  const n = await sys.async.epoll_pwait(ep, events, undefined, -1);
  for (let i = 0; i < n; i++) {
    const fd = Number(events.at(i).data);
    if (fd === listener) {
      // Level-triggered: take every pending connection now.
      for (;;) {
        try {
          const c = sys.accept4(listener, null, sys.SOCK_NONBLOCK | sys.SOCK_CLOEXEC);
          clients.add(c);
          watch(c);
        } catch (e) {
          if (e instanceof sys.SyscallError && e.code === 'EAGAIN') break;
          throw e;
        }
      }
      continue;
    }
    const got = sys.read(fd, buf);
    if (got === 0) {
      clients.delete(fd);
      sys.close(fd); // closing removes it from the epoll set
      continue;
    }
    sys.write(fd, buf, got);
    if (/^quit$/m.test(Buffer.from(buf.buffer, 0, got).toString())) running = false;
  }
}
for (const fd of [...clients, listener, ep]) sys.close(fd);
console.log('bye');
