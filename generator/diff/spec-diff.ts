/**
 * `sysbind diff`: what changed between two sets of Linux specs, per target —
 * syscalls added, removed, renumbered or with a changed prototype, and
 * constants added, removed or changed — as a terminal report or Markdown.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Prototype, PrototypesFile, SyscallTableFile, ConstantsFile } from '../spec/linux-specs.js';
import { loadLinuxSpecs } from '../spec/linux-specs.js';
import { pickBySelector } from '../spec/selectors.js';
import { loadTargets, type Target } from '../spec/targets.js';

export interface SyscallChange {
  name: string;
  /** Number before (absent when added) and after (absent when removed). */
  before?: number;
  after?: number;
  /** For prototype changes: the two C signatures. */
  prototype?: { before: string; after: string };
}

export interface ConstantChange {
  name: string;
  family: string;
  before?: string;
  after?: string;
}

export interface TargetDiff {
  target: string;
  kernels: { before: string; after: string };
  added: SyscallChange[];
  removed: SyscallChange[];
  renumbered: SyscallChange[];
  prototypeChanged: SyscallChange[];
  constants: { added: ConstantChange[]; removed: ConstantChange[]; changed: ConstantChange[] };
}

function signature(p: Prototype | undefined): string {
  return p ? `(${p.params.map((x) => `${x.type} ${x.name}`).join(', ')})` : '(unknown)';
}

function protoFor(file: PrototypesFile, target: Target, entry: string | null | undefined): Prototype | undefined {
  const p = entry ? file.prototypes[entry] : undefined;
  return pickBySelector(p?.byArch, target)?.value ?? p;
}

function constantMap(c: ConstantsFile | undefined): Map<string, { family: string; value: string }> {
  const m = new Map<string, { family: string; value: string }>();
  for (const [family, f] of Object.entries(c?.families ?? {})) for (const k of f.constants) m.set(k.name, { family, value: String(k.value) });
  return m;
}

export function diffSpecs(beforeDir: string, afterDir: string): TargetDiff[] {
  const targets = loadTargets(afterDir).targets.filter((t) => t.platform === 'linux');
  const a = loadLinuxSpecs(beforeDir);
  const b = loadLinuxSpecs(afterDir);
  const constantsOf = (dir: string, specs: typeof a, t: Target) =>
    existsSync(join(dir, 'linux', 'constants', `${t.name}.json`)) ? specs.constants(t).data : undefined;
  return targets.map((t) => {
    const ta: SyscallTableFile = a.table(t).data;
    const tb: SyscallTableFile = b.table(t).data;
    const before = new Map(ta.syscalls.map((s) => [s.name, s]));
    const after = new Map(tb.syscalls.map((s) => [s.name, s]));
    const d: TargetDiff = {
      target: t.name,
      kernels: { before: ta.source.kernel, after: tb.source.kernel },
      added: [],
      removed: [],
      renumbered: [],
      prototypeChanged: [],
      constants: { added: [], removed: [], changed: [] },
    };
    for (const [name, s] of after) {
      const old = before.get(name);
      if (!old) d.added.push({ name, after: s.nr });
      else if (old.nr !== s.nr) d.renumbered.push({ name, before: old.nr, after: s.nr });
      else {
        const pa = signature(protoFor(a.prototypes.data, t, old.entry));
        const pb = signature(protoFor(b.prototypes.data, t, s.entry));
        if (pa !== pb) d.prototypeChanged.push({ name, before: old.nr, after: s.nr, prototype: { before: pa, after: pb } });
      }
    }
    for (const [name, s] of before) if (!after.has(name)) d.removed.push({ name, before: s.nr });
    const ca = constantMap(constantsOf(beforeDir, a, t));
    const cb = constantMap(constantsOf(afterDir, b, t));
    for (const [name, v] of cb) {
      const old = ca.get(name);
      if (!old) d.constants.added.push({ name, family: v.family, after: v.value });
      else if (old.value !== v.value) d.constants.changed.push({ name, family: v.family, before: old.value, after: v.value });
    }
    for (const [name, v] of ca) if (!cb.has(name)) d.constants.removed.push({ name, family: v.family, before: v.value });
    const byNr = (x: SyscallChange, y: SyscallChange) => (x.after ?? x.before ?? 0) - (y.after ?? y.before ?? 0);
    d.added.sort(byNr);
    d.removed.sort(byNr);
    return d;
  });
}

const list = (items: SyscallChange[], show: (c: SyscallChange) => string) => items.map(show).join(', ');

export function formatDiffText(diffs: TargetDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    out.push(`${d.target} (kernel ${d.kernels.before} → ${d.kernels.after})`);
    const none = !d.added.length && !d.removed.length && !d.renumbered.length && !d.prototypeChanged.length;
    if (d.added.length) out.push(`  + ${d.added.length} added: ${list(d.added, (c) => `${c.name} ${c.after}`)}`);
    if (d.removed.length) out.push(`  - ${d.removed.length} removed: ${list(d.removed, (c) => `${c.name} ${c.before}`)}`);
    if (d.renumbered.length) out.push(`  ~ ${d.renumbered.length} renumbered: ${list(d.renumbered, (c) => `${c.name} ${c.before}→${c.after}`)}`);
    for (const c of d.prototypeChanged) out.push(`  ~ ${c.name}: ${c.prototype!.before} → ${c.prototype!.after}`);
    if (none) out.push('  syscalls unchanged');
    const k = d.constants;
    if (k.added.length || k.removed.length || k.changed.length) {
      out.push(`  constants: ${k.added.length} added, ${k.removed.length} removed, ${k.changed.length} changed`);
      for (const c of k.changed) out.push(`    ~ ${c.name} (${c.family}) ${c.before} → ${c.after}`);
    }
  }
  return out.join('\n');
}

export function formatDiffMarkdown(diffs: TargetDiff[]): string {
  const out: string[] = ['# Spec changes', ''];
  // One table of syscalls added anywhere, with the number on each target.
  const names = [...new Set(diffs.flatMap((d) => d.added.map((c) => c.name)))];
  if (names.length) {
    out.push('## Syscalls added', '', `| syscall | ${diffs.map((d) => d.target).join(' | ')} |`, `|---|${diffs.map(() => '---:').join('|')}|`);
    for (const n of names) out.push(`| ${n} | ${diffs.map((d) => d.added.find((c) => c.name === n)?.after ?? '').join(' | ')} |`);
    out.push('');
  }
  for (const d of diffs) {
    const rows = [
      ...d.removed.map((c) => `| removed | ${c.name} | ${c.before} | |`),
      ...d.renumbered.map((c) => `| renumbered | ${c.name} | ${c.before} | ${c.after} |`),
      ...d.prototypeChanged.map((c) => `| prototype | ${c.name} | \`${c.prototype!.before}\` | \`${c.prototype!.after}\` |`),
      ...d.constants.changed.map((c) => `| constant | ${c.name} | ${c.before} | ${c.after} |`),
    ];
    out.push(`## ${d.target} (kernel ${d.kernels.before} → ${d.kernels.after})`, '');
    out.push(`${d.added.length} syscalls added, ${d.removed.length} removed; constants: ${d.constants.added.length} added, ${d.constants.removed.length} removed, ${d.constants.changed.length} changed.`, '');
    if (rows.length) out.push('| change | name | before | after |', '|---|---|---|---|', ...rows, '');
  }
  return out.join('\n');
}
