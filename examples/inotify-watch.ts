/**
 * Watches a directory with inotify and prints each event as the kernel
 * reports it: the event names of its mask and the file's name, decoded from
 * the read buffer as struct inotify_event records (the name runs past the
 * record's 16 bytes, `len` bytes of it).
 *
 *   npx tsx examples/inotify-watch.ts <directory>
 *
 * Prints `watching <directory>`, then one line per event, e.g.
 * `IN_CREATE notes.txt`; exits when a file named `stop` is created.
 */
import * as sys from '../generated/index.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: inotify-watch.ts <directory>');
  process.exit(2);
}
const MASKS = ['IN_ACCESS', 'IN_MODIFY', 'IN_ATTRIB', 'IN_CLOSE_WRITE', 'IN_CLOSE_NOWRITE', 'IN_OPEN', 'IN_MOVED_FROM', 'IN_MOVED_TO', 'IN_CREATE', 'IN_DELETE', 'IN_DELETE_SELF', 'IN_MOVE_SELF', 'IN_ISDIR'] as const;
const names = (mask: number) => MASKS.filter((m) => (mask & sys[m]) !== 0).join('|');

const fd = sys.inotify_init1(sys.IN_CLOEXEC);
sys.inotify_add_watch(fd, dir, sys.IN_CREATE | sys.IN_DELETE | sys.IN_MODIFY | sys.IN_MOVED_FROM | sys.IN_MOVED_TO | sys.IN_CLOSE_WRITE);
console.log(`watching ${dir}`);

const buf = new Uint8Array(64 * 1024);
let done = false;
while (!done) {
  const n = await sys.async.read(fd, buf); // off the JavaScript thread until events arrive
  for (let at = 0; at < n; ) {
    const head = new sys.InotifyEvent(buf.subarray(at, at + sys.InotifyEvent.size));
    const event = new sys.InotifyEvent(buf.subarray(at, at + sys.InotifyEvent.size + head.len));
    console.log(`${names(event.mask)} ${event.name}`);
    at += sys.InotifyEvent.size + event.len;
    if (event.name === 'stop' && (event.mask & sys.IN_CREATE) !== 0) {
      done = true;
      break;
    }
  }
}
sys.close(fd);
