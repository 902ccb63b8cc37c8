/**
 * `sysbind layout` through the CLI's main (in process: spawning tsx for each
 * case costs seconds): which targets it shows, the files it writes, and how it
 * refuses bad input (exit 2, one line naming the problem). The numbers in its
 * output are checked against the compilers in layout-picture.test.ts; a Win32
 * record's here, against mingw-w64's own <windows.h>.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { evaluateConstants } from '../../generator/audit/compile-c.js';
import { main } from '../../generator/cli/main.js';
import { resolveTargetStructs } from '../../generator/layout/target-structs.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { hasCompilerFor, systemHeaderArgs } from '../helpers/tools.js';

/** Runs `sysbind <args>` and collects what it prints. */
async function sysbind(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  try {
    const status = await main(args);
    return { status, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const out = mkdtempSync(join(tmpdir(), 'sysbind-layout-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const specs = loadLinuxSpecs(join(ROOT, 'specs'));
const linux = loadTargets(join(ROOT, 'specs')).targets.filter((t) => t.platform === 'linux');

describe('sysbind layout', () => {
  it('by default shows every Linux target a variant applies to, and names the others', async () => {
    const r = await sysbind(['layout', 'stat']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const header = r.stdout.split('\n')[1]!;
    const withVariant = linux.filter((t) => resolveTargetStructs(specs, t).structs.has('stat')).map((t) => t.name);
    expect(header.trim().split(/\s+/).slice(2)).toEqual(withVariant);
    const without = linux.map((t) => t.name).filter((n) => !withVariant.includes(n));
    if (without.length > 0) expect(r.stdout).toContain(`no variant of stat for ${without.join(', ')}`);
    // Not a terminal: no colour codes.
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('writes the SVG and HTML pictures of the targets asked for', async () => {
    const svg = join(out, 'stat.svg');
    const html = join(out, 'stat.html');
    const r = await sysbind(['layout', 'stat', '--targets', 'linux-x64,linux-ia32', '--targets', 'linux-arm64', '--svg', svg, '--html', html]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${svg}`);
    const picture = readFileSync(svg, 'utf8');
    expect(picture.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect([...picture.matchAll(/<g class="target" data-target="([^"]+)"/g)].map((m) => m[1])).toEqual(['linux-x64', 'linux-ia32', 'linux-arm64']);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('st_blksize');
  });

  it('expands nested structs with --expand, naming their members by path', async () => {
    const r = await sysbind(['layout', 'statx', '--targets', 'linux-x64', '--expand']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {3} {2}stx_atime\.tv_sec /m);
    expect((await sysbind(['layout', 'statx', '--targets', 'linux-x64'])).stdout).not.toContain('stx_atime.tv_sec');
  });

  it('shows a Win32 record on the Windows targets asked for, where <windows.h> puts its members', async (ctx) => {
    const targets = loadTargets(join(ROOT, 'specs')).targets.filter((t) => t.name === 'win32-x64' || t.name === 'win32-ia32');
    const r = await sysbind(['layout', 'OVERLAPPED', '--targets', targets.map((t) => t.name).join(',')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Rows: `[*] name  type...  off size  off size`; the last 2×N numbers are the targets' cells.
    const rows = new Map<string, number[]>();
    for (const line of r.stdout.split('\n')) {
      const m = /^[* ] {2}(\w+)\s+.*?((?:\s+\d+){4})$/.exec(line);
      if (m) rows.set(m[1]!, m[2]!.trim().split(/\s+/).map(Number));
    }
    const members = ['Internal', 'InternalHigh', 'Offset', 'OffsetHigh', 'Pointer', 'hEvent'];
    expect([...rows.keys()]).toEqual(expect.arrayContaining(members));
    const compilers = targets.filter(hasCompilerFor);
    if (compilers.length === 0) return ctx.skip('no compiler for win32-x64 or win32-ia32');
    for (const [i, t] of targets.entries()) {
      if (!compilers.includes(t)) continue;
      const exprs = members.flatMap((m) => [`__builtin_offsetof(OVERLAPPED, ${m})`, `sizeof(((OVERLAPPED *)0)->${m})`]);
      const values = await evaluateConstants(t, '#include <windows.h>', exprs, systemHeaderArgs(t));
      for (const [j, m] of members.entries()) {
        expect({ member: m, target: t.name, offset: rows.get(m)![2 * i], size: rows.get(m)![2 * i + 1] }).toEqual({ member: m, target: t.name, offset: values[2 * j], size: values[2 * j + 1] });
      }
    }
  });

  it.each([
    [['layout'], /give exactly one struct name/],
    [['layout', 'no_such_struct'], /no record 'no_such_struct' in specs\/linux\/types \(known: .*\bstat\b.*\); specs\/win32\/types\.json \(known: .*\bOVERLAPPED\b/],
    [['layout', 'stat', '--targets', 'linux-vax'], /unknown target 'linux-vax'/],
    [['layout', 'stat', '--targets', 'win32-x64'], /no record 'stat' in specs\/win32\/types\.json/],
    [['layout', 'OVERLAPPED', '--targets', 'win32-x64,linux-x64'], /--targets mixes platforms \(win32-x64, linux-x64\)/],
  ])('refuses %j with exit status 2', async (args, message) => {
    const svg = join(out, 'refused.svg');
    const r = await sysbind([...args, '--svg', svg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(svg)).toBe(false);
  });
});
