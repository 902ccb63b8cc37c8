/**
 * The pictures and tables of `sysbind layout`, read back and checked against
 * the compilers: every box of the SVG (its data-* attributes) and every cell
 * of the table must give the offsets and sizes each target's compiler gives
 * (offsetof/sizeof for members, the bits a probe object sets for bitfields,
 * sizeof/_Alignof for the record), and holes and padding must be exactly the
 * bytes no member covers. Records: spec structs (stat, epoll_event, statx and
 * sockaddr_in with nested structs expanded, linux_dirent64 with a flexible
 * array) and a test-local one with bitfields, an anonymous union, a nested
 * struct and tail padding. A missing compiler skips its target (fails on CI).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileC, evaluateConstants, objectSections } from '../../generator/audit/compile-c.js';
import { renderLayoutChecks, renderRecords } from '../../generator/layout/c-decl.js';
import { layoutRecord } from '../../generator/layout/engine.js';
import type { RecordTitle, TargetLayout } from '../../generator/layout/layout-compare.js';
import { layoutView } from '../../generator/layout/layout-view.js';
import { renderLayoutSvg } from '../../generator/layout/render-svg.js';
import { renderLayoutTable } from '../../generator/layout/render-table.js';
import { resolveTargetStructs } from '../../generator/layout/target-structs.js';
import type { CType, PrimName, RecordDecl } from '../../generator/model/ctype.js';
import { abiOf } from '../../generator/spec/targets.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { hasCompilerFor } from '../helpers/tools.js';

const TARGETS = ['linux-x64', 'linux-ia32', 'linux-arm64', 'linux-s390x'];
const SPEC_RECORDS: { name: string; expand: boolean }[] = [
  { name: 'stat', expand: false },
  { name: 'epoll_event', expand: false },
  { name: 'statx', expand: true },
  { name: 'sockaddr_in', expand: true },
  { name: 'linux_dirent64', expand: false },
];

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadLinuxSpecs(join(ROOT, 'specs'));

const prim = (name: PrimName): CType => ({ kind: 'prim', name });
const pair: RecordDecl = { name: 'pic_pair', kind: 'struct', fields: [{ name: 'lo', type: prim('char') }, { name: 'hi', type: prim('long long') }] };
const MIXED: RecordDecl = {
  name: 'pic_mixed',
  kind: 'struct',
  fields: [
    { name: 'flag', type: prim('char') },
    { name: 'a', type: prim('unsigned int'), bits: 3 },
    { name: 'b', type: prim('unsigned int'), bits: 9 },
    { name: 'c', type: prim('short') },
    { type: { kind: 'record', decl: { name: '', kind: 'union', fields: [{ name: 'u8', type: prim('unsigned char') }, { name: 'u64', type: prim('unsigned long long') }] } } },
    { name: 'p', type: { kind: 'record', decl: pair } },
    { name: 'tail', type: prim('char') },
  ],
};

/** A record as every target sees it: its declaration per target (null: no variant) and how to show it. */
interface Subject {
  title: RecordTitle;
  expand: boolean;
  decls: (RecordDecl | null)[];
}

function subjects(targets: Target[]): Subject[] {
  const resolved = targets.map((t) => resolveTargetStructs(specs, t).structs);
  return [
    ...SPEC_RECORDS.map(({ name, expand }) => {
      const entry = specs.types.records.get(name)!;
      return { title: { name, cname: entry.spec.cname, header: entry.spec.header }, expand, decls: resolved.map((r) => r.get(name)?.decl ?? null) };
    }),
    { title: { name: MIXED.name, cname: null, header: 'test' }, expand: true, decls: targets.map(() => MIXED) },
  ];
}

function layoutsOf(s: Subject, targets: Target[]): TargetLayout[] {
  return targets.map((t, i) => {
    const decl = s.decls[i];
    return { target: t.name, view: decl ? layoutView(decl, abiOf(t), { expand: s.expand }) : null };
  });
}

// ---- Reading the picture back ----

interface SvgBox {
  kind: 'member' | 'hole' | 'padding';
  target: string;
  key: string;
  startBit: number;
  bits: number;
  offset?: number;
  size?: number;
  expanded: boolean;
}

function attributes(tag: string): Map<string, string> {
  return new Map([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')]));
}

function svgBoxes(svg: string): SvgBox[] {
  return [...svg.matchAll(/<g class="(?:member|hole|padding)"[^>]*>/g)].map((m) => {
    const a = attributes(m[0]);
    const num = (k: string) => (a.has(k) ? Number(a.get(k)) : undefined);
    return {
      kind: a.get('class') as SvgBox['kind'],
      target: a.get('data-target')!,
      key: a.get('data-key')!,
      startBit: num('data-start-bit')!,
      bits: num('data-bits')!,
      offset: num('data-offset'),
      size: num('data-size'),
      expanded: a.get('data-expanded') === 'true',
    };
  });
}

function svgBands(svg: string): Map<string, Map<string, string>> {
  return new Map([...svg.matchAll(/<g class="target"[^>]*>/g)].map((m) => attributes(m[0])).map((a) => [a.get('data-target')!, a]));
}

// ---- What the compiler says ----

interface CompilerFacts {
  size: number;
  align: number;
  /** offsetof and sizeof (NaN for a flexible array) by field path. */
  members: Map<string, { offset: number; size: number }>;
  /** The bits (memory order) a bitfield set to all ones sets, by field name. */
  bitfields: Map<string, { startBit: number; bits: number }>;
}

async function compilerFacts(target: Target, decl: RecordDecl, paths: { path: string; flexible: boolean }[]): Promise<CompilerFacts> {
  const type = `${decl.kind} ${decl.name}`;
  const records = renderRecords([decl]);
  const exprs = [`sizeof(${type})`, `_Alignof(${type})`, ...paths.flatMap(({ path, flexible }) => [`__builtin_offsetof(${type}, ${path})`, flexible ? '0' : `sizeof(((${type} *)0)->${path})`])];
  const values = await evaluateConstants(target, records, exprs);
  const members = new Map(paths.map(({ path }, i) => [path, { offset: values[2 + 2 * i]!, size: values[3 + 2 * i]! }]));

  const layout = layoutRecord(decl, abiOf(target));
  const checks = renderLayoutChecks([{ decl, layout }], target);
  const bitfields = new Map<string, { startBit: number; bits: number }>();
  if (checks.probes.length > 0) {
    const object = await compileC({ target, source: records + checks.bitfieldProbes, mode: 'object' });
    expect(object.ok, object.stderr).toBe(true);
    const sections = objectSections(object.output!);
    for (const probe of checks.probes) {
      const bytes = [...sections.get(probe.section)!].slice(0, layout.size);
      const set = bytes.flatMap((byte, i) => Array.from({ length: 8 }, (_, j) => ((byte >> (target.endian === 'little' ? j : 7 - j)) & 1 ? [i * 8 + j] : [])).flat());
      const field = probe.label.slice(decl.name.length + 1, -' bits'.length);
      bitfields.set(field, { startBit: set[0]!, bits: set.length });
    }
  }
  return { size: values[0]!, align: values[1]!, members, bitfields };
}


// ---- The tests ----

describe('sysbind layout --svg', () => {
  const targets = TARGETS.map((t) => matrix.get(t));

  it.for(subjects(targets).map((s) => [s.title.name, s] as const))('%s: every box is where the compiler puts it', async ([, subject], ctx) => {
    const checked = targets.filter(hasCompilerFor);
    if (checked.length === 0) return ctx.skip('no compiler for any target');
    const svg = renderLayoutSvg(subject.title, layoutsOf(subject, targets));
    const boxes = svgBoxes(svg);
    const bands = svgBands(svg);
    for (const [i, target] of targets.entries()) {
      const decl = subject.decls[i];
      if (!decl || !checked.includes(target)) continue;
      const mine = boxes.filter((b) => b.target === target.name);
      const members = mine.filter((b) => b.kind === 'member');
      const plain = members.filter((b) => b.bits === (b.size ?? 0) * 8 && b.startBit === (b.offset ?? 0) * 8);
      const facts = await compilerFacts(target, decl, plain.map((b) => ({ path: b.key, flexible: b.size === 0 })));
      const where = `${subject.title.name} on ${target.name}`;

      expect({ size: Number(bands.get(target.name)!.get('data-size')), align: Number(bands.get(target.name)!.get('data-align')) }, where).toEqual({ size: facts.size, align: facts.align });
      for (const b of plain) {
        const c = facts.members.get(b.key)!;
        expect({ key: b.key, offset: b.offset, size: b.size }, where).toEqual({ key: b.key, offset: c.offset, size: b.size === 0 ? 0 : c.size });
      }
      for (const b of members.filter((m) => !plain.includes(m))) {
        expect({ key: b.key, startBit: b.startBit, bits: b.bits }, where).toEqual({ key: b.key, ...facts.bitfields.get(b.key) });
      }
      expect(members.length, where).toBe(facts.members.size + facts.bitfields.size);

      // Holes and padding are exactly the bits no member covers.
      const covered = new Array<number>(facts.size * 8).fill(0);
      const gaps = mine.filter((b) => b.kind !== 'member');
      for (const b of members.filter((m) => !m.expanded)) for (let bit = b.startBit; bit < b.startBit + b.bits; bit++) covered[bit] = 1;
      for (const g of gaps) {
        for (let bit = g.startBit; bit < g.startBit + g.bits; bit++) {
          expect(covered[bit], `${where}: ${g.key} covers bit ${bit}, which a member covers`).toBe(0);
          covered[bit] = 2;
        }
      }
      expect(covered.indexOf(0), `${where}: bit not covered by any box`).toBe(-1);
    }
  });

  it('says "no variant" for a target no variant applies to', () => {
    const svg = renderLayoutSvg({ name: 'stat', cname: 'struct stat', header: 'asm/stat.h' }, [
      { target: 'linux-x64', view: layoutView(MIXED, abiOf(matrix.get('linux-x64')), { expand: false }) },
      { target: 'linux-ia32', view: null },
    ]);
    expect(svg).toContain('data-target="linux-ia32" data-variant="none"');
    expect(svg).toContain('no variant of stat for linux-ia32');
    expect(svgBoxes(svg).filter((b) => b.target === 'linux-ia32')).toEqual([]);
  });
});

describe('sysbind layout (table)', () => {
  const targets = ['linux-x64', 'linux-arm64', 'linux-ia32'].map((t) => matrix.get(t));
  const subject = subjects(targets).find((s) => s.title.name === 'epoll_event')!;

  it('gives each target the offsets and sizes its compiler gives, and marks the rows that differ', async (ctx) => {
    const table = renderLayoutTable(subject.title, layoutsOf(subject, targets), { color: false });
    expect(table).not.toMatch(/\x1b\[/);
    const lines = table.split('\n');
    const header = lines[1]!;
    const starts = targets.map((t) => header.indexOf(t.name));
    const cells = (label: string) => {
      const line = lines.find((l) => l.slice(3).startsWith(`${label} `))!;
      return { marked: line.startsWith('*'), groups: starts.map((s, i) => line.slice(s, starts[i + 1]).trim().split(/\s+/)) };
    };
    for (const [i, target] of targets.entries()) {
      if (!hasCompilerFor(target)) return ctx.skip(`no compiler for ${target.name}`);
      const facts = await compilerFacts(target, subject.decls[i]!, ['events', 'data'].map((path) => ({ path, flexible: false })));
      for (const field of ['events', 'data']) {
        const c = facts.members.get(field)!;
        expect(cells(field).groups[i], `${field} on ${target.name}`).toEqual([String(c.offset), String(c.size)]);
      }
      const gap = facts.members.get('data')!.offset - 4;
      expect(cells('/* XXX hole */').groups[i], `hole on ${target.name}`).toEqual(gap > 0 ? ['4', String(gap)] : ['-']);
      expect(cells('size').groups[i]).toEqual([String(facts.size)]);
    }
    expect(cells('events').marked).toBe(false);
    expect(cells('data').marked).toBe(true);
  });

  it('colours only the cells that differ from most targets, and only when asked', () => {
    const table = renderLayoutTable(subject.title, layoutsOf(subject, targets), { color: true });
    const data = table.split('\n').find((l) => l.includes(' data '))!;
    // x64 (packed) and ia32 (4-byte aligned) put data at 4, arm64 at 8: arm64's offset and size cells are red.
    expect(data.match(/\x1b\[1;31m/g)?.length).toBe(2);
  });
});
