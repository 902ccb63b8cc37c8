/**
 * Starts a daemon the way the classic double fork does, without forking the
 * threaded runtime: one spawn() (posix_spawn) with setsid, its working
 * directory at /, its standard descriptors on /dev/null (its output on a log
 * file when one is given), then this process exits and the daemon lives on.
 *
 *   npx tsx examples/spawn-daemon.ts <seconds> [log file]
 *
 * Prints `daemon <pid> session <sid>`. The daemon is `sleep <seconds>`; with a
 * log file it is `sh -c 'echo started $$; exec sleep <seconds>'` writing there.
 */
import * as sys from '../generated/index.js';

const [seconds, log] = process.argv.slice(2);
if (!seconds || !/^\d+$/.test(seconds)) {
  console.error('usage: spawn-daemon.ts <seconds> [log file]');
  process.exit(2);
}
const onDevNull = (fd: number): sys.SpawnFdAction => ({ open: { fd, path: '/dev/null', flags: fd === 0 ? sys.O_RDONLY : sys.O_WRONLY } });
const output: sys.SpawnFdAction = log ? { open: { fd: 1, path: log, flags: sys.O_WRONLY | sys.O_CREAT | sys.O_APPEND, mode: 0o644 } } : onDevNull(1);
const [path, argv] = log ? ['/bin/sh', ['sh', '-c', `echo started $$; exec sleep ${seconds}`]] : ['/bin/sleep', ['sleep', seconds]];
const daemon = sys.spawn(path, argv, ['PATH=/usr/bin:/bin'], { setsid: true, cwd: '/', fdActions: [onDevNull(0), output, onDevNull(2)] });
// The pidfd would let this process wait for it; a daemon is left to its new parent.
sys.close(daemon.pidfd);
const stat = await import('node:fs').then((fs) => fs.readFileSync(`/proc/${daemon.pid}/stat`, 'utf8'));
console.log(`daemon ${daemon.pid} session ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]}`);
