/**
 * Scenarios run in a separate node process (via tsx) for calls that change
 * process-wide state the test worker must keep: the session, the working
 * directory. Each prints one JSON line; the parent checks it against what it
 * sees from outside (the child's pid, /proc).
 *
 *   node --import tsx test/linux/child.ts <scenario> [args…]
 */
import { readFileSync, readlinkSync } from 'node:fs';
import * as sys from '../../generated/index.js';

function statFields(): string[] {
  const t = readFileSync('/proc/self/stat', 'utf8');
  return t.slice(t.lastIndexOf(')') + 2).split(' ');
}

function errorCode(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof sys.SyscallError ? e.code : `not a SyscallError: ${String(e)}`;
  }
}

const [scenario, ...args] = process.argv.slice(2);
switch (scenario) {
  case 'ids': {
    // getppid/getpid from a process whose parent is the test worker.
    console.log(JSON.stringify({ pid: sys.getpid(), ppid: sys.getppid(), tid: sys.gettid() }));
    break;
  }
  case 'setsid': {
    const before = statFields();
    const pgidBefore = sys.getpgid(0);
    const sid = sys.setsid();
    const after = statFields();
    // Now a process-group leader: a second setsid must fail with EPERM.
    const again = errorCode(() => sys.setsid());
    console.log(JSON.stringify({
      pid: process.pid,
      pgidBefore,
      statPgrpBefore: Number(before[2]),
      statSessionBefore: Number(before[3]),
      sid,
      statPgrpAfter: Number(after[2]),
      statSessionAfter: Number(after[3]),
      pgidAfter: sys.getpgid(0),
      again,
    }));
    break;
  }
  case 'fchdir': {
    const dir = args[0]!;
    const fd = sys.openat(sys.AT_FDCWD, dir, sys.O_RDONLY | sys.O_DIRECTORY);
    sys.fchdir(fd);
    sys.close(fd);
    // Independent views of the new working directory: the kernel's link, and a
    // relative path resolved by Node's fs.
    const buf = new Uint8Array(4096);
    const n = sys.getcwd(buf);
    console.log(JSON.stringify({
      cwdLink: readlinkSync('/proc/self/cwd'),
      marker: readFileSync('marker.txt', 'utf8'),
      getcwd: Buffer.from(buf.subarray(0, n - 1)).toString(),
      notDir: errorCode(() => {
        const f = sys.openat(sys.AT_FDCWD, 'marker.txt', sys.O_RDONLY);
        try {
          sys.fchdir(f);
        } finally {
          sys.close(f);
        }
      }),
    }));
    break;
  }
  case 'spawn-daemon': {
    // A daemon: in a session of its own, its standard descriptors on /dev/null, left running when this process exits.
    const devNull = (fd: number) => ({ open: { fd, path: '/dev/null', flags: fd === 0 ? sys.O_RDONLY : sys.O_WRONLY } });
    const d = sys.spawn('/bin/sleep', ['sleep', '30'], [], { setsid: true, cwd: '/', fdActions: [devNull(0), devNull(1), devNull(2)] });
    sys.close(d.pidfd);
    console.log(JSON.stringify({ daemon: d.pid, parent: sys.getpid() }));
    break;
  }
  default:
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
}
