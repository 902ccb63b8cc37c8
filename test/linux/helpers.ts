/**
 * Helpers for the Linux syscall tests: scratch directories, child processes
 * running test/linux/child.ts, and readers for the kernel's own view of the
 * process (/proc), which the tests use as the independent side of each check.
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Iovec } from '../../generated/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader by absolute URL, so a child may run with any working directory. */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** A fresh directory under the OS temp dir; `cleanup` removes it and everything in it. */
export function makeTempDir(area: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sysbind-${area}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a scenario of test/linux/child.ts in a new node process and parses the JSON it prints. */
export function runChild(scenario: string, args: string[] = [], cwd: string = ROOT): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', TSX_LOADER, CHILD, scenario, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`child ${scenario} exited with ${r.status} (${r.signal}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** Resolves when a spawned process has started (so its pid is live). */
export function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
}

/** Resolves with the exit code and signal of a child. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** stdout of `sh -c cmd`, trimmed. */
export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
}

/** "key:\tvalue" lines of a /proc file as a map. */
export function procFields(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** /proc/self/fdinfo/<fd> as a map (pos, flags in octal, and per-type fields). */
export function fdinfo(fd: number): Map<string, string> {
  return procFields(`/proc/self/fdinfo/${fd}`);
}

/** The open-file flags the kernel reports for fd (fdinfo "flags", octal; includes O_CLOEXEC). */
export function fdFlags(fd: number): number {
  return parseInt(fdinfo(fd).get('flags') ?? 'NaN', 8);
}

/** What /proc/self/fd/<fd> links to ("pipe:[123]", a path, "socket:[…]"). */
export function fdTarget(fd: number): string {
  return readlinkSync(`/proc/self/fd/${fd}`);
}

/** Whether fd is open in this process, according to /proc. */
export function fdIsOpen(fd: number): boolean {
  try {
    readlinkSync(`/proc/self/fd/${fd}`);
    return true;
  } catch {
    return false;
  }
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, …]. */
export function procStat(pid: number | 'self'): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

/** The address of a buffer's first byte, as the binding passes it (read back from an iovec). */
export function addressOf(buf: Uint8Array): bigint {
  const iov = Iovec.of({ iov_base: buf });
  return new DataView(iov.bytes.buffer, iov.bytes.byteOffset, 16).getBigUint64(0, true);
}

/**
 * The /proc/self/maps line of the mapping that contains addr, if any. Not the
 * one that starts there: the kernel merges a new mapping into an adjacent one
 * with the same flags and permissions, so a VMA may begin below addr.
 */
export function mapsLine(addr: bigint): string | undefined {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .find((l) => {
      const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(l);
      return m !== null && BigInt(`0x${m[1]}`) <= addr && addr < BigInt(`0x${m[2]}`);
    });
}

/** The /proc/self/smaps block (as a map of its "Key: value" lines) of the mapping containing addr. */
export function smapsOf(addr: bigint): Map<string, string> | undefined {
  const lines = readFileSync('/proc/self/smaps', 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(lines[i]!);
    if (!m) continue;
    if (BigInt(`0x${m[1]}`) <= addr && addr < BigInt(`0x${m[2]}`)) {
      const out = new Map<string, string>();
      for (let j = i + 1; j < lines.length && !/^[0-9a-f]+-[0-9a-f]+ /.test(lines[j]!); j++) {
        const k = lines[j]!.indexOf(':');
        if (k > 0) out.set(lines[j]!.slice(0, k), lines[j]!.slice(k + 1).trim());
      }
      return out;
    }
  }
  return undefined;
}

/**
 * Which of the `pages` pages starting at addr are present in RAM, from
 * /proc/self/pagemap (bit 63 of each 8-byte entry): per page, so not confused
 * by the kernel merging a mapping with its neighbours.
 */
export function residentPages(addr: bigint, pages: number, pageSize: number): boolean[] {
  const fd = openSync('/proc/self/pagemap', 'r');
  try {
    const buf = Buffer.alloc(8 * pages);
    readSync(fd, buf, 0, buf.length, Number((addr / BigInt(pageSize)) * 8n));
    return Array.from({ length: pages }, (_, i) => (buf.readBigUInt64LE(8 * i) >> 63n) === 1n);
  } finally {
    closeSync(fd);
  }
}

/** A promise for a delay (lets the event loop run). */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Bytes of a string. */
export const bytes = (s: string) => new Uint8Array(Buffer.from(s));

/** A string from the first n bytes of a buffer. */
export const text = (b: Uint8Array, n: number = b.byteLength) => Buffer.from(b.buffer, b.byteOffset, n).toString();
