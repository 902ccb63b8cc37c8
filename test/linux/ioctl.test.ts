/**
 * The typed ioctl forms (semantics.yaml `syscall: ioctl` entries): each issues
 * the target's request number with the argument it reads or writes, checked
 * from outside: python3's termios and fcntl on the same pseudo-terminal,
 * /proc fdinfo, /sys/class/net, what Node wrote to a pipe.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { fdFlags } from './helpers.js';

const open: number[] = [];
afterEach(() => {
  for (const fd of open.splice(0)) sys.close(fd);
});
const track = (fd: number) => (open.push(fd), fd);

/** python3 on the slave side; undefined where there is none (a bare machine). */
function python(code: string, ...args: string[]): unknown {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  if (r.error) {
    if (process.env.CI === 'true') throw new Error(`python3 is required under CI: ${r.error.message}`);
    return undefined;
  }
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A new pseudo-terminal: the master fd and the slave's path, unlocked with TIOCSPTLCK, numbered by TIOCGPTN. */
function pty(): { master: number; slave: string } {
  const master = track(sys.openat(sys.AT_FDCWD, '/dev/ptmx', sys.O_RDWR | sys.O_NOCTTY | sys.O_CLOEXEC));
  sys.ioctl_TIOCSPTLCK(master, 0);
  return { master, slave: `/dev/pts/${sys.ioctl_TIOCGPTN(master)}` };
}

describe('terminal ioctls on a pseudo-terminal', () => {
  /**
   * Which of these flags python3 (the host's termios, so the host's numbering:
   * under qemu the emulator translates) sees set on the slave.
   */
  const FLAGS = ['ECHO', 'ICANON', 'ISIG', 'IEXTEN', 'ICRNL', 'IXON', 'OPOST', 'ONLCR'] as const;
  const pyFlags = (slave: string) =>
    python(
      'import json,os,sys,termios\nfd=os.open(sys.argv[1], os.O_RDWR|os.O_NOCTTY)\na=termios.tcgetattr(fd)\n' +
        'm={"ECHO":3,"ICANON":3,"ISIG":3,"IEXTEN":3,"ICRNL":0,"IXON":0,"OPOST":1,"ONLCR":1}\n' +
        'print(json.dumps({k: bool(a[i] & getattr(termios, k)) for k, i in m.items()}))',
      slave,
    ) as Record<(typeof FLAGS)[number], boolean> | undefined;
  const ourFlags = (t: sys.Termios) => {
    const field = { ECHO: t.c_lflag, ICANON: t.c_lflag, ISIG: t.c_lflag, IEXTEN: t.c_lflag, ICRNL: t.c_iflag, IXON: t.c_iflag, OPOST: t.c_oflag, ONLCR: t.c_oflag };
    return Object.fromEntries(FLAGS.map((k) => [k, (field[k] & sys[k]) !== 0]));
  };

  it('TIOCGPTN names a /dev/pts entry that exists; TCGETS reads the flags python3 termios.tcgetattr reads', () => {
    const { slave } = pty();
    expect(fs.existsSync(slave)).toBe(true);
    const fd = track(sys.openat(sys.AT_FDCWD, slave, sys.O_RDWR | sys.O_NOCTTY | sys.O_CLOEXEC));
    const t = sys.ioctl_TCGETS(fd);
    const py = pyFlags(slave);
    if (py) expect(ourFlags(t)).toEqual(py);
    expect(t.c_lflag & sys.ECHO).toBe(sys.ECHO); // a new pty echoes
  });

  it('TCSETS clears ECHO and ICANON, as python3 then reads them; TCSETSW and TCSETSF restore', () => {
    const { slave } = pty();
    const fd = track(sys.openat(sys.AT_FDCWD, slave, sys.O_RDWR | sys.O_NOCTTY | sys.O_CLOEXEC));
    const t = sys.ioctl_TCGETS(fd);
    const original = t.c_lflag;
    t.c_lflag = original & ~(sys.ECHO | sys.ICANON);
    sys.ioctl_TCSETS(fd, t);
    const py = pyFlags(slave);
    if (py) expect([py.ECHO, py.ICANON, py.ISIG]).toEqual([false, false, true]);
    expect(sys.ioctl_TCGETS(fd).c_lflag & sys.ECHO).toBe(0);
    t.c_lflag = original;
    sys.ioctl_TCSETSW(fd, t);
    expect(sys.ioctl_TCGETS(fd).c_lflag).toBe(original);
    sys.ioctl_TCSETSF(fd, t);
    expect(sys.ioctl_TCGETS(fd).c_lflag).toBe(original);
    if (py) expect(pyFlags(slave)!.ECHO).toBe(true);
  });

  it('TIOCSWINSZ sets the size python3 reads back with fcntl.ioctl(TIOCGWINSZ); TIOCGWINSZ reads it', () => {
    const { master, slave } = pty();
    sys.ioctl_TIOCSWINSZ(master, sys.Winsize.of({ ws_row: 33, ws_col: 101 }));
    const ws = sys.ioctl_TIOCGWINSZ(master);
    expect([ws.ws_row, ws.ws_col]).toEqual([33, 101]);
    const py = python('import json,os,sys,fcntl,termios,struct\nfd=os.open(sys.argv[1], os.O_RDWR|os.O_NOCTTY)\nprint(json.dumps(struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, bytes(8)))[:2]))', slave);
    if (py) expect(py).toEqual([33, 101]);
  });

  it('a terminal request on a pipe fails with ENOTTY', () => {
    const [r, w] = sys.pipe2(sys.O_CLOEXEC);
    track(r);
    track(w);
    expect(() => sys.ioctl_TCGETS(r)).toThrow(expect.objectContaining({ code: 'ENOTTY', syscall: 'ioctl' }));
  });
});

describe('descriptor and socket ioctls', () => {
  it('FIONREAD counts the bytes Node wrote to a pipe; FIONBIO sets O_NONBLOCK as /proc fdinfo shows', () => {
    const [r, w] = sys.pipe2(sys.O_CLOEXEC);
    track(r);
    track(w);
    expect(sys.ioctl_FIONREAD(r)).toBe(0);
    fs.writeSync(w, 'seven b');
    expect(sys.ioctl_FIONREAD(r)).toBe(7);
    sys.ioctl_FIONBIO(r, 1);
    expect(fdFlags(r) & sys.O_NONBLOCK).toBe(sys.O_NONBLOCK);
    sys.ioctl_FIONBIO(r, 0);
    expect(fdFlags(r) & sys.O_NONBLOCK).toBe(0);
    expect(() => sys.ioctl_FIONBIO(r, 2 ** 40)).toThrow(RangeError);
  });

  it('SIOCGIFINDEX finds lo at the index /sys/class/net/lo/ifindex gives; SIOCGIFNAME maps it back', () => {
    const s = track(sys.socket(sys.AF_INET, sys.SOCK_DGRAM | sys.SOCK_CLOEXEC));
    const req = new sys.Ifreq();
    req.ifr_ifrn.ifrn_name = 'lo';
    sys.ioctl_SIOCGIFINDEX(s, req);
    const index = Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8'));
    expect(req.ifr_ifru.ifru_ivalue).toBe(index);
    const back = new sys.Ifreq();
    back.ifr_ifru.ifru_ivalue = index;
    sys.ioctl_SIOCGIFNAME(s, back);
    expect(back.ifr_ifrn.ifrn_name).toBe('lo');
    const none = new sys.Ifreq();
    none.ifr_ifrn.ifrn_name = 'sysbind-none';
    expect(() => sys.ioctl_SIOCGIFINDEX(s, none)).toThrow(expect.objectContaining({ code: 'ENODEV' }));
  });
});
