/**
 * `sysbind diff` for Windows: what changed between two sets of Win32 specs —
 * functions added, removed or with a changed signature (per DLL), constants
 * added, removed or changed, and, per Windows target, records whose layout
 * (size, alignment, a field's offset or size) differs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordLayout } from '../model/ctype.js';
import { loadTargets } from '../spec/targets.js';
import { buildWin32Model } from '../spec/win32-model.js';
import type { SpecFunction } from '../spec/win32-spec-types.js';
import { loadWin32Specs, type Win32Specs } from '../spec/win32-specs.js';

export interface Win32Change {
  name: string;
  before?: string;
  after?: string;
}

export interface Win32Diff {
  metadata: { before: string; after: string };
  functions: { added: Win32Change[]; removed: Win32Change[]; changed: Win32Change[] };
  constants: { added: Win32Change[]; removed: Win32Change[]; changed: Win32Change[] };
  /** Per target: records laid out differently, with the first difference. */
  layouts: { target: string; changed: Win32Change[] }[];
}

export function hasWin32Specs(specsDir: string): boolean {
  return existsSync(join(specsDir, 'win32', 'functions'));
}

function signature(dll: string, f: SpecFunction): string {
  return `${f.returns} ${dll}!${f.name}(${f.params.map((p) => `${p.type} ${p.name}`).join(', ')})`;
}

function functionsOf(specs: Win32Specs): Map<string, string> {
  return new Map(specs.functions.flatMap((file) => file.data.functions.map((f): [string, string] => [f.name, signature(file.data.dll, f)])));
}

function constantsOf(specs: Win32Specs): Map<string, string> {
  return new Map(specs.constants.data.constants.map((c) => [c.name, String(c.value)]));
}

function layoutText(l: RecordLayout): string {
  return `size ${l.size}, align ${l.align}`;
}

/** The first way two layouts of a record differ, in words; undefined if they are the same. */
function layoutChange(a: RecordLayout, b: RecordLayout): Win32Change | undefined {
  if (a.size !== b.size || a.align !== b.align) return { name: a.name, before: layoutText(a), after: layoutText(b) };
  const fields = new Map(a.fields.map((f) => [f.name, f]));
  for (const f of b.fields) {
    const old = fields.get(f.name);
    const at = (x: { offset: number; size: number }) => `offset ${x.offset}, size ${x.size}`;
    if (!old) return { name: `${a.name}.${f.name}`, after: at(f) };
    if (old.offset !== f.offset || old.size !== f.size) return { name: `${a.name}.${f.name}`, before: at(old), after: at(f) };
  }
  const added = new Set(b.fields.map((f) => f.name));
  const gone = a.fields.find((f) => !added.has(f.name));
  return gone ? { name: `${a.name}.${gone.name}`, before: `offset ${gone.offset}, size ${gone.size}` } : undefined;
}

function compare(before: Map<string, string>, after: Map<string, string>): Win32Diff['functions'] {
  const out: Win32Diff['functions'] = { added: [], removed: [], changed: [] };
  for (const [name, v] of after) {
    const old = before.get(name);
    if (old === undefined) out.added.push({ name, after: v });
    else if (old !== v) out.changed.push({ name, before: old, after: v });
  }
  for (const [name, v] of before) if (!after.has(name)) out.removed.push({ name, before: v });
  return out;
}

export function diffWin32Specs(beforeDir: string, afterDir: string): Win32Diff {
  const a = loadWin32Specs(beforeDir);
  const b = loadWin32Specs(afterDir);
  const targets = loadTargets(afterDir).targets.filter((t) => t.platform === 'win32');
  const layouts = targets.map((t) => {
    const old = new Map(buildWin32Model(a, t).records.map((r) => [r.name, r.layout]));
    const changed: Win32Change[] = [];
    for (const r of buildWin32Model(b, t).records) {
      const was = old.get(r.name);
      const change = was ? layoutChange(was, r.layout) : { name: r.name, after: layoutText(r.layout) };
      if (change) changed.push(change);
    }
    return { target: t.name, changed };
  });
  return {
    metadata: { before: a.types.data.source.metadata, after: b.types.data.source.metadata },
    functions: compare(functionsOf(a), functionsOf(b)),
    constants: compare(constantsOf(a), constantsOf(b)),
    layouts,
  };
}

export function formatWin32DiffText(d: Win32Diff): string {
  const out = [`Win32 (${d.metadata.before} → ${d.metadata.after})`];
  const f = d.functions;
  if (f.added.length) out.push(`  + ${f.added.length} functions added: ${f.added.map((c) => c.name).join(', ')}`);
  if (f.removed.length) out.push(`  - ${f.removed.length} functions removed: ${f.removed.map((c) => c.name).join(', ')}`);
  for (const c of f.changed) out.push(`  ~ ${c.before} → ${c.after}`);
  if (!f.added.length && !f.removed.length && !f.changed.length) out.push('  functions unchanged');
  const k = d.constants;
  if (k.added.length || k.removed.length || k.changed.length) {
    out.push(`  constants: ${k.added.length} added, ${k.removed.length} removed, ${k.changed.length} changed`);
    for (const c of k.changed) out.push(`    ~ ${c.name} ${c.before} → ${c.after}`);
  }
  for (const l of d.layouts) {
    for (const c of l.changed) out.push(`  ${l.target}: ${c.name} ${c.before ?? '(new)'} → ${c.after ?? '(gone)'}`);
  }
  return out.join('\n');
}

export function formatWin32DiffMarkdown(d: Win32Diff): string {
  const rows = [
    ...d.functions.added.map((c) => `| function added | ${c.name} | | \`${c.after}\` |`),
    ...d.functions.removed.map((c) => `| function removed | ${c.name} | \`${c.before}\` | |`),
    ...d.functions.changed.map((c) => `| signature | ${c.name} | \`${c.before}\` | \`${c.after}\` |`),
    ...d.constants.changed.map((c) => `| constant | ${c.name} | ${c.before} | ${c.after} |`),
    ...d.layouts.flatMap((l) => l.changed.map((c) => `| layout on ${l.target} | ${c.name} | ${c.before ?? ''} | ${c.after ?? ''} |`)),
  ];
  const f = d.functions;
  const k = d.constants;
  return [
    `## Win32 (${d.metadata.before} → ${d.metadata.after})`,
    '',
    `${f.added.length} functions added, ${f.removed.length} removed, ${f.changed.length} changed; constants: ${k.added.length} added, ${k.removed.length} removed, ${k.changed.length} changed.`,
    '',
    ...(rows.length ? ['| change | name | before | after |', '|---|---|---|---|', ...rows, ''] : []),
  ].join('\n');
}
