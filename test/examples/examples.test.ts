/**
 * The programs in examples/, each run as a user runs it (`npx tsx
 * examples/<name>.ts`, here `node --import tsx`) and its effect checked from
 * outside: Node's net, dgram and fs on the other end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTargetName } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import * as sys from '../../generated/index.js';
import { makeTempDir } from '../linux/helpers.js';

const onLinux = hostTargetName().startsWith('linux-');

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = makeTempDir('examples')));
afterAll(() => cleanup());

/** Starts an example; `lines()` is everything it printed so far, `waitFor` resolves on a matching line. */
function run(example: string, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', `${example}.ts`), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => out.split('\n').filter(Boolean),
    stderr: () => err,
    exited,
    waitFor: (re: RegExp, ms = 20_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const m = re.exec(out);
        if (m) return resolve(m);
        const t = setTimeout(() => reject(new Error(`${example}: no line matching ${re} in ${ms} ms; stdout:\n${out}\nstderr:\n${err}`)), ms);
        waiters.push({ re, resolve: (x) => (clearTimeout(t), resolve(x)) });
      }),
  };
}

const stop = (c: ChildProcess) => {
  if (c.exitCode === null) c.kill();
};

describe.runIf(onLinux)('examples/', () => {
  it('epoll-echo-server echoes to two Node clients at once and exits on quit', async () => {
    const server = run('epoll-echo-server');
    try {
      const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
      const talk = (text: string) =>
        new Promise<string>((resolve, reject) => {
          const s = net.connect(Number(port), '127.0.0.1');
          let got = '';
          s.on('data', (d) => {
            got += d.toString();
            if (got.length >= text.length) (s.end(), resolve(got));
          });
          s.on('error', reject);
          s.write(text);
        });
      const [a, b] = await Promise.all([talk('hello from a\n'), talk('and from b\n')]);
      expect([a, b]).toEqual(['hello from a\n', 'and from b\n']);
      expect(await talk('quit\n')).toBe('quit\n');
      expect(await server.exited).toBe(0);
      expect(server.lines().at(-1)).toBe('bye');
    } finally {
      stop(server.child);
    }
  });

  it('inotify-watch prints the events of what Node does in the directory, names decoded from struct inotify_event', async () => {
    const watched = join(dir, 'watched');
    fs.mkdirSync(watched);
    const w = run('inotify-watch', watched);
    try {
      await w.waitFor(/^watching /m);
      fs.writeFileSync(join(watched, 'notes.txt'), 'first');
      fs.renameSync(join(watched, 'notes.txt'), join(watched, 'renamed-with-a-longer-name.txt'));
      fs.unlinkSync(join(watched, 'renamed-with-a-longer-name.txt'));
      fs.writeFileSync(join(watched, 'stop'), '');
      expect(await w.exited).toBe(0);
      expect(w.lines().slice(1)).toEqual([
        'IN_CREATE notes.txt',
        'IN_MODIFY notes.txt',
        'IN_CLOSE_WRITE notes.txt',
        'IN_MOVED_FROM notes.txt',
        'IN_MOVED_TO renamed-with-a-longer-name.txt',
        'IN_DELETE renamed-with-a-longer-name.txt',
        'IN_CREATE stop',
      ]);
    } finally {
      stop(w.child);
    }
  });

  it('packet-capture sees the datagrams Node sends on lo, with Node\'s source port and the payload length (CAP_NET_RAW)', async () => {
    if (process.getuid?.() !== 0) {
      if (process.env.CI === 'true') throw new Error('packet capture needs root under CI');
      // Without CAP_NET_RAW the example cannot open its AF_PACKET socket: it must say so and fail, not hang.
      const denied = run('packet-capture', '9', '1');
      expect(await denied.exited).not.toBe(0);
      expect(denied.stderr()).toMatch(/EPERM/);
      return;
    }
    const receiver = dgram.createSocket('udp4');
    await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', () => r()));
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    const port = receiver.address().port;
    const cap = run('packet-capture', String(port), '2');
    try {
      await cap.waitFor(/^capturing on lo/m);
      for (const payload of ['first datagram', 'second, longer datagram']) {
        await new Promise<void>((r) => sender.send(payload, port, '127.0.0.1', () => r()));
      }
      expect(await cap.exited).toBe(0);
      const sport = sender.address().port;
      expect(cap.lines().slice(1)).toEqual([
        `udp 127.0.0.1:${sport} -> 127.0.0.1:${port} 14 bytes, ttl 64`,
        `udp 127.0.0.1:${sport} -> 127.0.0.1:${port} 23 bytes, ttl 64`,
      ]);
    } finally {
      stop(cap.child);
      receiver.close();
      sender.close();
    }
  });

  it('signalfd-loop reads each SIGUSR1 sent to its thread from a signalfd, naming the sender (this process) and SI_TKILL', async () => {
    const r = run('signalfd-loop', '2');
    try {
      const [, pid, tid] = (await r.waitFor(/^ready pid (\d+) tid (\d+)$/m)).map(Number);
      expect(pid).toBe(r.child.pid);
      for (let k = 1; k <= 2; k++) {
        sys.tgkill(pid!, tid!, sys.SIGUSR1);
        await r.waitFor(new RegExp(`(^SIGUSR1 from .*\n){${k}}`, 'm'));
      }
      expect(await r.exited).toBe(0);
      const line = `SIGUSR1 from pid ${process.pid} uid ${process.getuid!()} code ${sys.SI_TKILL}`;
      expect(r.lines().slice(1)).toEqual([line, line]);
    } finally {
      stop(r.child);
    }
  });

  it('spawn-daemon leaves a daemon running after it exits: /proc shows it in its own session, at /, reparented, logging', async () => {
    const log = join(dir, 'daemon.log');
    const r = run('spawn-daemon', '30', log);
    expect(await r.exited).toBe(0);
    const [, pid, sid] = /^daemon (\d+) session (\d+)$/.exec(r.lines().at(-1) ?? '')!.map(Number);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid, , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      expect(['S', 'R']).toContain(state);
      expect([Number(session), sid]).toEqual([pid, pid]);
      expect(Number(ppid)).not.toBe(r.child.pid);
      expect(fs.readlinkSync(`/proc/${pid}/cwd`)).toBe('/');
      expect(fs.readlinkSync(`/proc/${pid}/fd/0`)).toBe('/dev/null');
      expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('sleep\u000030\u0000');
      expect(fs.readFileSync(log, 'utf8')).toBe(`started ${pid}\n`);
    } finally {
      process.kill(pid!, 'SIGKILL');
    }
  });

  it('mmap-read counts the bytes and lines fs reads, and prints the first line', async () => {
    const p = join(dir, 'text.txt');
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'x'.repeat(i % 70)}`).join('\n') + '\n';
    fs.writeFileSync(p, text);
    const r = run('mmap-read', p);
    expect(await r.exited).toBe(0);
    const content = fs.readFileSync(p, 'utf8');
    expect(r.lines()).toEqual([`${Buffer.byteLength(content)} bytes, ${content.split('\n').length - 1} lines`, content.split('\n')[0]]);
  });
});
