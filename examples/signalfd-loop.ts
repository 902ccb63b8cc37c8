/**
 * Signals as events, the way a C daemon takes them: SIGUSR1 blocked, read from
 * a signalfd watched by epoll, each one decoded as a struct signalfd_siginfo
 * naming its sender.
 *
 *   npx tsx examples/signalfd-loop.ts [count]
 *
 * Prints `ready pid <pid> tid <tid>`, then `SIGUSR1 from pid <p> uid <u> code
 * <c>` for each signal, and exits after `count` (default 1). Send with
 * tgkill(pid, tid, SIGUSR1): a signal mask is per thread, and Node runs other
 * threads that do not block SIGUSR1, so a process-wide kill would go to one of
 * them (Node starts its inspector on SIGUSR1) instead of waiting here.
 */
import * as sys from '../generated/index.js';

const count = Number(process.argv[2] ?? 1);
const usr1 = sys.Sigset.of({ sig: [1n << BigInt(sys.SIGUSR1 - 1)] });
sys.rt_sigprocmask(sys.SIG_BLOCK, usr1, null);
const sfd = sys.signalfd4(-1, usr1, sys.SFD_NONBLOCK | sys.SFD_CLOEXEC);
const ep = sys.epoll_create1(sys.EPOLL_CLOEXEC);
sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, sfd, sys.EpollEvent.of({ events: sys.EPOLLIN, data: BigInt(sfd) }));
console.log(`ready pid ${sys.getpid()} tid ${sys.gettid()}`);

const events = new sys.StructArray(sys.EpollEvent, 4);
const info = new sys.SignalfdSiginfo();
function readRecord(): boolean {
  try {
    return sys.read(sfd, info.bytes) === info.bytes.byteLength;
  } catch (e) {
    if (e instanceof sys.SyscallError && e.code === 'EAGAIN') return false;
    throw e;
  }
}
for (let seen = 0; seen < count; ) {
  // On this thread, not in async.epoll_pwait: a signal sent to this thread is
  // pending for it alone, and only its own poll of the signalfd sees it.
  if (sys.epoll_pwait(ep, events, undefined, 50) === 0) {
    await new Promise((resolve) => setImmediate(resolve));
    continue;
  }
  // One record per pending signal, until the (non-blocking) signalfd has none left.
  while (readRecord()) {
    console.log(`SIGUSR1 from pid ${info.ssi_pid} uid ${info.ssi_uid} code ${info.ssi_code}`);
    seen++;
  }
}
sys.close(ep);
sys.close(sfd);
