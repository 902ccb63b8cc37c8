/**
 * Emits audit.c: compile-time assertions that every syscall number, constant
 * value and struct size/alignment/offset in the specs equals what the target's
 * real headers say. The file is compiled once per part (-DSYSBIND_PART=N) so
 * headers that cannot meet in one translation unit (kernel uapi vs glibc)
 * never do. Each assertion's message names the item and the spec line, so
 * the audit can turn compiler errors into a table.
 */
import { formatPlace, type Place } from '../errors.js';
import type { FieldLayout } from '../model/ctype.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import type { LinuxTargetModel } from '../spec/linux-model.js';
import type { StructModel } from '../spec/struct-specs.js';
import { layoutOf } from './ts-structs.js';

export interface AuditPart {
  index: number;
  title: string;
  headers: string[];
  lines: string[];
}

/**
 * One assertion's message, parsed back by the audit:
 * `sysbind|<kind>|<item>|<expected>|<C expression>|<spec place>`. The expression
 * lets the audit ask the compiler for the actual value when the assertion fails.
 */
export function assertionMessage(kind: string, item: string, expected: string | number, expr: string, place: Place): string {
  return `sysbind|${kind}|${item}|${expected}|${expr}|${formatPlace(place)}`;
}

/** `_Static_assert(<expr> == <expected>)`, with the message above. */
function assert(expr: string, expected: string | number, kind: string, item: string, place: Place): string {
  const value = typeof expected === 'number' ? String(expected) : literal(expected);
  return `_Static_assert(${expr} == ${value}, "${assertionMessage(kind, item, expected, expr, place)}");`;
}

function literal(v: number | string): string {
  const s = String(v);
  if (s.startsWith('-')) return `(${s}LL)`;
  return `${s}ULL`;
}

function syscallPart(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart {
  const table = specs.table(model.target);
  const lines = table.data.syscalls.map((s, i) => {
    const place = table.at(['syscalls', i]);
    return [
      `#ifdef __NR_${s.name}`,
      assert(`__NR_${s.name}`, s.nr, 'syscall', s.name, place),
      `#else`,
      `#pragma message "sysbind|missing|syscall|${s.name}|${s.nr}|${formatPlace(place)}"`,
      `#endif`,
    ].join('\n');
  });
  return { index: 0, title: `syscall numbers (${table.file})`, headers: ['asm/unistd.h'], lines };
}

function constantParts(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart[] {
  const src = specs.constants(model.target);
  return model.constants.map((fam) => ({
    index: 0,
    title: `constants: ${fam.name}`,
    headers: fam.headers,
    lines: fam.constants.map((c, i) => {
      const place = src.at(['families', fam.name, 'constants', i]);
      const cast = String(c.value).startsWith('-') ? '(long long)' : '(unsigned long long)';
      return assert(`${cast}(${c.name})`, String(c.value), 'constant', c.name, place);
    }),
  }));
}

function structLines(model: LinuxTargetModel, s: StructModel): string[] {
  const layout = layoutOf(model, s);
  const out: string[] = [];
  if (s.cname === null) {
    if (s.auditSizeExpr) out.push(assert(`(${s.auditSizeExpr})`, layout.size, 'size', s.name, s.place));
    return out;
  }
  if (s.auditSize) {
    out.push(assert(`sizeof(${s.cname})`, layout.size, 'size', s.name, s.place));
    out.push(assert(`_Alignof(${s.cname})`, layout.align, 'align', s.name, s.place));
  }
  for (const f of layout.fields as FieldLayout[]) {
    if (f.bits !== undefined) continue; // offsetof cannot name a bitfield
    const place = s.fields.get(f.name)?.place ?? s.place;
    out.push(assert(`__builtin_offsetof(${s.cname}, ${f.name})`, f.offset, 'offset', `${s.name}.${f.name}`, place));
    // A flexible array member has no size of its own to compare.
    if (!(f.type.kind === 'array' && f.type.length === null)) {
      out.push(assert(`sizeof(((${s.cname} *)0)->${f.name})`, f.size, 'fieldsize', `${s.name}.${f.name}`, place));
    }
  }
  return out;
}

function structParts(model: LinuxTargetModel): AuditPart[] {
  const byHeader = new Map<string, StructModel[]>();
  for (const s of model.structs) byHeader.set(s.header, [...(byHeader.get(s.header) ?? []), s]);
  return [...byHeader.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([header, structs]) => ({ index: 0, title: `structs from <${header}>`, headers: [header], lines: structs.flatMap((s) => structLines(model, s)) }));
}

export function auditParts(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart[] {
  const parts = [syscallPart(specs, model), ...constantParts(specs, model), ...structParts(model)];
  parts.forEach((p, i) => (p.index = i + 1));
  return parts;
}

export function emitAuditC(specs: LinuxSpecs, model: LinuxTargetModel, banner: string): string {
  const parts = auditParts(specs, model);
  const out = [
    `/* ${banner} */`,
    `/*`,
    ` * ABI audit for ${model.target.name}: compile each part with the target's compiler,`,
    ` *   ${model.target.triple}-gcc -fsyntax-only -DSYSBIND_PART=N audit.c   (N = 1..${parts.length})`,
    ` * Every failed assertion names the item, the value the spec expects and the spec line.`,
    ` */`,
    `#define _GNU_SOURCE 1`,
    `#ifndef SYSBIND_PART`,
    `#error "define SYSBIND_PART (1..${parts.length})"`,
    `#endif`,
  ];
  for (const p of parts) {
    out.push('', `#if SYSBIND_PART == ${p.index} /* ${p.title} */`, ...p.headers.map((h) => `#include <${h}>`), ...p.lines, `#endif`);
  }
  return out.join('\n') + '\n';
}
