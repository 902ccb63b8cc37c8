/**
 * Emits audit.c: compile-time assertions that every syscall number, constant
 * value and struct size/alignment/offset in the specs equals what the target's
 * real headers say. The file is compiled once per part (-DSYSBIND_PART=N) so
 * headers that cannot meet in one translation unit (kernel uapi vs glibc)
 * never do. Each assertion's message names the item and the spec line, so
 * the audit can turn compiler errors into a table.
 */
import { formatPlace, type Place } from '../errors.js';
import { bitfieldProbeC, recordBytesWithField } from '../layout/c-decl.js';
import { assertionMessage, missingMessage, PartLines, type AuditPart, type AuditProgram } from '../model/probe.js';
import type { FieldLayout } from '../model/ctype.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import { layoutOf, type LinuxTargetModel } from '../spec/linux-model.js';
import type { StructModel } from '../spec/struct-specs.js';

/** `_Static_assert(<expr> == <expected>)`, with the message above. */
function assert(expr: string, expected: string | number, kind: string, item: string, place: Place): string {
  const value = typeof expected === 'number' ? String(expected) : literal(expected);
  return `_Static_assert(${expr} == ${value}, "${assertionMessage(kind, item, expected, expr, place)}");`;
}

function part(title: string, headers: string[], fill: (out: PartLines) => void): AuditPart {
  const out = new PartLines();
  fill(out);
  return { title, headers, lines: out.lines, assertions: out.assertions, bitProbes: out.bitProbes };
}

function literal(v: number | string): string {
  const s = String(v);
  if (s.startsWith('-')) return `(${s}LL)`;
  return `${s}ULL`;
}

function syscallPart(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart {
  const table = specs.table(model.target);
  return part(`syscall numbers (${table.file})`, ['asm/unistd.h'], (out) =>
    table.data.syscalls.forEach((s, i) => {
      const place = table.at(['syscalls', i]);
      out.other(`#ifdef __NR_${s.name}`);
      out.assert(assert(`__NR_${s.name}`, s.nr, 'syscall', s.name, place));
      out.other(`#else`, `#pragma message "${missingMessage('syscall', s.name, s.nr, place)}"`, `#endif`);
    }),
  );
}

function constantParts(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart[] {
  const src = specs.constants(model.target);
  return model.constants.map((fam) =>
    part(`constants: ${fam.name}`, fam.headers, (out) =>
      fam.constants.forEach((c, i) => {
        const place = src.at(['families', fam.name, 'constants', i]);
        const cast = String(c.value).startsWith('-') ? '(long long)' : '(unsigned long long)';
        out.assert(assert(`${cast}(${c.name})`, String(c.value), 'constant', c.name, place));
      }),
    ),
  );
}

/** Size, alignment, each field's offset and size, and a probe for each bitfield's bits. */
function structLines(model: LinuxTargetModel, s: StructModel, out: PartLines): void {
  const layout = layoutOf(model, s);
  if (s.cname === null) {
    if (s.auditSizeExpr) out.assert(assert(`(${s.auditSizeExpr})`, layout.size, 'size', s.name, s.place));
    return;
  }
  if (s.auditSize) {
    out.assert(assert(`sizeof(${s.cname})`, layout.size, 'size', s.name, s.place));
    out.assert(assert(`_Alignof(${s.cname})`, layout.align, 'align', s.name, s.place));
  }
  for (const f of layout.fields as FieldLayout[]) {
    const place = s.fields.get(f.name)?.place ?? s.place;
    if (f.bits !== undefined) {
      // offsetof cannot name a bitfield: its bits are probed instead (model/probe.ts).
      const section = `sysbind.bits.${out.bitProbes.length}`;
      const item = `${s.name}.${f.name}`;
      out.probe({ item, section, source: bitfieldProbeC(s.cname, f.name, section), expected: recordBytesWithField(layout, f, model.abi), place: formatPlace(place) });
      continue;
    }
    out.assert(assert(`__builtin_offsetof(${s.cname}, ${f.name})`, f.offset, 'offset', `${s.name}.${f.name}`, place));
    // A flexible array member has no size of its own to compare.
    if (!(f.type.kind === 'array' && f.type.length === null)) {
      out.assert(assert(`sizeof(((${s.cname} *)0)->${f.name})`, f.size, 'fieldsize', `${s.name}.${f.name}`, place));
    }
  }
}

function structParts(model: LinuxTargetModel): AuditPart[] {
  const byHeader = new Map<string, StructModel[]>();
  for (const s of model.structs) byHeader.set(s.header, [...(byHeader.get(s.header) ?? []), s]);
  return [...byHeader.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([header, structs]) => part(`structs from <${header}>`, [header], (out) => structs.forEach((s) => structLines(model, s, out))));
}

/** The audit of a Linux target: syscall numbers, then each constant family, then structs by header. */
export function linuxAuditProgram(specs: LinuxSpecs, model: LinuxTargetModel): AuditProgram {
  return {
    target: model.target.name,
    prelude: ['#define _GNU_SOURCE 1'],
    parts: [syscallPart(specs, model), ...constantParts(specs, model), ...structParts(model)],
    howToCompile: [
      `${model.target.triple}-gcc -fsyntax-only -DSYSBIND_PART=N audit.c`,
      `(a part with bitfield probes) ${model.target.triple}-gcc -c -DSYSBIND_PART=N -DSYSBIND_BITS audit.c, then compare the sysbind.bits.* sections`,
    ],
  };
}

/** audit.c: every part under `#if SYSBIND_PART == N`, so one file holds translation units whose headers cannot meet. */
export function renderAuditC(program: AuditProgram, banner: string): string {
  const n = program.parts.length;
  const out = [
    `/* ${banner} */`,
    `/*`,
    ` * ABI audit for ${program.target}: compile each part (N = 1..${n}) with the target's compiler,`,
    ...program.howToCompile.map((how, i) => ` *   ${i > 0 ? 'or ' : ''}${how}`),
    ` * Every failed assertion names the item, the value the spec expects and the spec line;`,
    ` * an item the headers do not define is reported by a #pragma message.`,
    ` */`,
    `#ifndef SYSBIND_PART`,
    `#error "define SYSBIND_PART (1..${n})"`,
    `#endif`,
    ...program.prelude,
  ];
  program.parts.forEach((p, i) => {
    out.push('', `#if SYSBIND_PART == ${i + 1} /* ${p.title} */`, ...p.headers.map((h) => `#include <${h}>`));
    if (p.bitProbes.length === 0) out.push(...p.lines);
    else out.push('#ifndef SYSBIND_BITS', ...p.lines, '#else', ...p.bitProbes.map((b) => `${b.source} /* ${b.item}: ${b.place} */`), '#endif');
    out.push('#endif');
  });
  return out.join('\n') + '\n';
}
