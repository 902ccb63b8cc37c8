/**
 * A kernel source tree opened for reading: either a directory that already
 * holds the sources, or a tarball (.tar.xz, .tar.gz, .tar) of which only the
 * members matching some patterns are extracted, in one `tar` run, into a
 * temporary directory that close() removes (or into a cache kept for reuse).
 * Decompressing is what costs, so callers ask for everything they need at once.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ImportError } from '../../errors.js';

export interface KernelTree {
  /** What the user gave: the directory path, or the tarball's basename. */
  label: string;
  /** Directory holding the kernel's top level (its Makefile). */
  root: string;
  /** `VERSION.PATCHLEVEL.SUBLEVEL` from the top Makefile, like `6.12.117`. */
  version: string;
  exists(rel: string): boolean;
  /** Text of a kernel-relative file; ImportError when it is absent. */
  read(rel: string): string;
  /** Kernel-relative paths of all files under a kernel-relative directory, sorted. */
  walk(relDir: string): string[];
  /** Removes the temporary extraction, if any. Safe to call twice. */
  close(): void;
}

const TARBALL = /\.(tar\.xz|txz|tar\.gz|tgz|tar)$/;

export interface OpenOptions {
  /**
   * Keep the extraction in this directory, keyed by the tarball's name, size,
   * mtime and the patterns, and reuse it next time (close() then keeps it).
   */
  cacheDir?: string;
}

/**
 * Opens `src`. For a tarball, `patterns` are kernel-relative tar wildcards
 * (`*` also matches `/`), like `arch/x86/*.c`; patterns matching nothing are
 * fine (a file some kernel versions lack). A directory is used as it is.
 */
export async function openKernelTree(src: string, patterns: readonly string[], opts: OpenOptions = {}): Promise<KernelTree> {
  if (!existsSync(src)) throw new ImportError(`kernel source not found: ${src}`);
  const st = statSync(src);
  if (st.isDirectory()) return treeAt(src, src, () => {});
  if (!TARBALL.test(src)) throw new ImportError(`kernel source must be a directory or a .tar.xz/.tar.gz/.tar file: ${src}`);
  const key = createHash('sha256').update(JSON.stringify(patterns)).digest('hex').slice(0, 12);
  const cached = opts.cacheDir && join(opts.cacheDir, `${basename(src)}-${st.size}-${Math.trunc(st.mtimeMs)}-${key}`);
  if (cached && existsSync(cached)) return treeAt(join(cached, readdirSync(cached)[0] ?? ''), basename(src), () => {});
  if (opts.cacheDir) mkdirSync(opts.cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(opts.cacheDir ?? tmpdir(), 'sysbind-kernel-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const top = await firstMemberTop(src);
    const args = ['-x', ...compressionFlag(src), '-f', src, '-C', tmp, '--wildcards', `${top}/Makefile`, ...patterns.map((p) => `${top}/${p}`)];
    await runTar(args, src);
    if (!cached) return treeAt(join(tmp, top), basename(src), cleanup);
    try {
      renameSync(tmp, cached);
    } catch {
      cleanup(); // another process filled the cache first
    }
    return treeAt(join(cached, top), basename(src), () => {});
  } catch (e) {
    cleanup();
    throw e;
  }
}

function treeAt(root: string, label: string, cleanup: () => void): KernelTree {
  let closed = false;
  const tree: KernelTree = {
    label,
    root,
    version: '',
    exists: (rel) => existsSync(join(root, rel)),
    read(rel) {
      try {
        return readFileSync(join(root, rel), 'utf8');
      } catch {
        throw new ImportError(`${rel} is missing from the kernel source ${label}`);
      }
    },
    walk(relDir) {
      const out: string[] = [];
      const visit = (rel: string): void => {
        let entries;
        try {
          entries = readdirSync(join(root, rel), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const child = `${rel}/${e.name}`;
          if (e.isDirectory()) visit(child);
          else if (e.isFile()) out.push(child);
        }
      };
      visit(relDir.replace(/\/+$/, ''));
      return out.sort();
    },
    close() {
      if (!closed) cleanup();
      closed = true;
    },
  };
  try {
    tree.version = kernelVersion(tree.read('Makefile'));
  } catch (e) {
    tree.close();
    throw e;
  }
  return tree;
}

/** `VERSION = 6` / `PATCHLEVEL = 12` / `SUBLEVEL = 117` from the top Makefile. */
export function kernelVersion(makefile: string): string {
  const get = (key: string): string => {
    const m = new RegExp(`^${key}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(makefile);
    if (!m) throw new ImportError(`top Makefile has no ${key} = <number> line`, { file: 'Makefile' });
    return m[1]!;
  };
  return `${get('VERSION')}.${get('PATCHLEVEL')}.${get('SUBLEVEL')}`;
}

function compressionFlag(file: string): string[] {
  if (/\.(tar\.xz|txz)$/.test(file)) return ['-J'];
  if (/\.(tar\.gz|tgz)$/.test(file)) return ['-z'];
  return [];
}

/** The top folder of a tarball, read from its first member (only the start is decompressed). */
async function firstMemberTop(file: string): Promise<string> {
  const child = spawn('tar', ['-t', ...compressionFlag(file), '-f', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buf = '';
  const first = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        resolve(buf.slice(0, nl));
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve(buf.split('\n')[0] ?? ''));
  });
  const top = first.replace(/^\.\//, '').split('/')[0];
  if (!top) throw new ImportError(`cannot list ${file}: no members`);
  return top;
}

/** Runs tar; exit 2 caused only by patterns "Not found in archive" counts as success. */
function runTar(args: string[], file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new ImportError(`cannot run tar: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const problems = stderr
        .split('\n')
        .filter((l) => l.trim() && !/Not found in archive/.test(l) && !/Exiting with failure status due to previous errors/.test(l));
      if (code === 2 && problems.length === 0) return resolve();
      reject(new ImportError(`tar failed on ${file} (exit ${code}): ${problems.join('; ') || stderr.trim()}`));
    });
  });
}
