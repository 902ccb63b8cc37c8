/**
 * Audit checks identical on several targets are emitted once, in
 * generated/<platform>-common/audit-shared.h (render/shared-audit.ts). The
 * split must lose nothing: each committed audit.c, with the sections it
 * includes, holds exactly the checks of its target's audit program (the model
 * the audit runner compiles), and the real compiler does compile the included
 * section — a wrong value put there fails the part that includes it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerFor } from '../../generator/audit/compile-c.js';
import { renderAuditC } from '../../generator/emit/audit-c.js';
import { auditProgramFor } from '../../generator/render/audit-program.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT, runCli, scratchRoot } from '../helpers/root.js';
import { hasCompilerFor, systemHeaderArgs } from '../helpers/tools.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const INCLUDE = /^#include "\.\.\/([a-z0-9]+-common)\/audit-shared\.h"$/;

/** The committed audit.c with each `#define SB_SHARED_x` / include / `#undef` replaced by the common file's section x. */
function expandedAudit(target: string): string[] {
  const lines = readFileSync(join(ROOT, 'generated', target, 'audit.c'), 'utf8').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const include = INCLUDE.exec(lines[i + 1] ?? '');
    if (!lines[i]!.startsWith('#define SB_SHARED_') || !include) {
      out.push(lines[i]!);
      continue;
    }
    const macro = lines[i]!.slice('#define '.length);
    const common = readFileSync(join(ROOT, 'generated', include[1]!, 'audit-shared.h'), 'utf8').split('\n');
    const start = common.findIndex((l) => l.startsWith(`#ifdef ${macro} `));
    const end = common.indexOf(`#endif /* ${macro} */`);
    expect(start, `${target}: ${macro} has no section in ${include[1]}/audit-shared.h`).toBeGreaterThanOrEqual(0);
    out.push(...common.slice(start + 1, end));
    expect(lines[i + 2]).toBe(`#undef ${macro}`);
    i += 2;
  }
  return out;
}

const sorted = (lines: string[]) => lines.filter((l) => !l.startsWith('/*') && !l.startsWith(' *')).sort();

describe('audit checks shared between targets', () => {
  const names = matrix.targets.filter((t) => t.generate).map((t) => t.name);
  it.each(names)('%s: audit.c with its shared sections holds exactly the audit program', (name) => {
    const program = auditProgramFor(ROOT, matrix.get(name));
    const whole = renderAuditC(program, 'banner').split('\n');
    expect(sorted(expandedAudit(name))).toEqual(sorted(whole));
  });

  it('shares the Win32 constants and some Linux records: each common file is used', () => {
    for (const platform of ['linux', 'win32']) {
      const common = readFileSync(join(ROOT, 'generated', `${platform}-common`, 'audit-shared.h'), 'utf8');
      const sections = common.split('\n').filter((l) => l.startsWith('#ifdef SB_SHARED_'));
      expect(sections.length, platform).toBeGreaterThan(0);
      for (const s of sections) {
        const macro = s.split(' ')[1]!;
        const users = names.filter((n) => n.startsWith(`${platform}-`) && readFileSync(join(ROOT, 'generated', n, 'audit.c'), 'utf8').includes(`#define ${macro}\n`));
        expect(users.length, `${macro} is included by ${users.join(', ')}`).toBeGreaterThanOrEqual(2);
      }
    }
    expect(readFileSync(join(ROOT, 'generated', 'win32-common', 'audit-shared.h'), 'utf8')).toContain('#ifdef SB_SHARED_constants_and_enum_values ');
  });

  it('a target generated alone uses the common file as it stands: its audit.c is byte for byte the whole run\'s', () => {
    const root = scratchRoot();
    expect(runCli(root, ['generate', '--target', 'linux-x64']).status).toBe(0);
    for (const f of ['linux-x64/audit.c', 'linux-common/audit-shared.h']) {
      expect(readFileSync(join(root, 'generated', f), 'utf8'), f).toBe(readFileSync(join(ROOT, 'generated', f), 'utf8'));
    }
  });

  for (const name of ['linux-x64', 'win32-x64']) {
    const target = matrix.get(name);
    it.skipIf(!hasCompilerFor(target))(`${name}: the compiler checks the included section (a wrong value there fails its part)`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'sysbind-shared-audit-'));
      const common = `${target.platform}-common`;
      for (const d of [name, common]) cpSync(join(ROOT, 'generated', d), join(dir, d), { recursive: true });
      const audit = readFileSync(join(dir, name, 'audit.c'), 'utf8').split('\n');
      // The last part including a section, and the first assertion of that section.
      const lastIndex = (lines: string[], p: (l: string) => boolean) => lines.reduce((found, l, i) => (p(l) ? i : found), -1);
      const define = lastIndex(audit, (l) => l.startsWith('#define SB_SHARED_'));
      const part = Number(/^#if SYSBIND_PART == (\d+)/.exec(audit[lastIndex(audit.slice(0, define), (l) => l.startsWith('#if SYSBIND_PART == '))]!)![1]);
      const macro = audit[define]!.slice('#define '.length);
      const shared = readFileSync(join(dir, common, 'audit-shared.h'), 'utf8').split('\n');
      const start = shared.findIndex((x) => x.startsWith(`#ifdef ${macro} `));
      // An item the headers surely define: ERROR_ACCESS_DENIED on Win32 (a macro under #ifdef), the section's first assertion on Linux.
      const at = target.platform === 'win32' ? shared.findIndex((l, i) => i > start && l.startsWith('SB_U(ERROR_ACCESS_DENIED, 5, ')) : shared.findIndex((l, i) => i > start && /^SB_(LAYOUT|U|S)\(/.test(l));
      expect(at, `no assertion to break in ${macro}`).toBeGreaterThan(start);
      const item = /^SB_LAYOUT\([a-z]+, "([^"]+)"|^SB_[USH]\(([A-Za-z0-9_]+),/.exec(shared[at]!)!.slice(1).find(Boolean)!;
      // Off by one in the expected value, the check's last argument but its place: `SB_U(X, 32, "…");`.
      shared[at] = shared[at]!.replace(/, (-?\d+), ("[^"]*"\);)$/, (_m, v: string, place: string) => `, ${BigInt(v) + 1n}, ${place}`);
      writeFileSync(join(dir, common, 'audit-shared.h'), shared.join('\n'));
      // One compile (Win32's part holds 24,000 checks): the broken item fails, and nothing else of the audit's does.
      // Errors inside the system headers (mingw-w64's werapi.h uses a macro it never defines) are not the audit's.
      const c = compilerFor(target);
      const r = spawnSync(c.command, [...c.args, ...systemHeaderArgs(target), '-fsyntax-only', `-DSYSBIND_PART=${part}`, join(dir, name, 'audit.c')], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const ours = r.stderr.split('\n').filter((l) => /(audit\.c|audit-shared\.h):\d+:(\d+:)? error: /.test(l));
      expect(r.status).not.toBe(0);
      expect(ours.length, ours.join('\n')).toBe(1);
      expect(ours[0]).toMatch(new RegExp(`static assertion failed: "sysbind\\|[a-z]+\\|${item}\\|`));
    }, 400_000);
  }
});
