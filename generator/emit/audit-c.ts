/**
 * Emits audit.c: compile-time assertions that every syscall number, constant
 * value and struct size/alignment/offset in the specs equals what the target's
 * real headers say. The file is compiled once per part (-DSYSBIND_PART=N) so
 * headers that cannot meet in one translation unit (kernel uapi vs glibc)
 * never do. Each assertion's message names the item and the spec line, so
 * the audit can turn compiler errors into a table.
 */
import { formatPlace } from '../errors.js';
import { bitfieldProbeC, recordBytesWithField } from '../layout/c-decl.js';
import { AUDIT_MACROS, constantCheck, layoutCheck, PartItems, type AuditPart, type AuditProgram } from '../model/probe.js';
import type { FieldLayout } from '../model/ctype.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import { layoutOf, type LinuxTargetModel } from '../spec/linux-model.js';
import type { StructModel } from '../spec/struct-specs.js';

function part(title: string, headers: string[], fill: (out: PartItems) => void): AuditPart {
  const out = new PartItems();
  fill(out);
  return { title, headers, items: out.items, assertions: out.assertions, bitProbes: out.bitProbes };
}

function syscallPart(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart {
  const table = specs.table(model.target);
  return part(`syscall numbers (${table.file})`, ['asm/unistd.h'], (out) =>
    table.data.syscalls.forEach((s, i) => {
      const place = JSON.stringify(formatPlace(table.at(['syscalls', i])));
      out.block([`#ifdef __NR_${s.name}`, `SB_NR(${s.name}, ${s.nr}, ${place});`, `#else`, `SB_NR_MISSING(${s.name}, ${s.nr}, ${place});`, `#endif`], 1);
    }),
  );
}

function constantParts(specs: LinuxSpecs, model: LinuxTargetModel): AuditPart[] {
  const src = specs.constants(model.target);
  return model.constants.map((fam) =>
    part(`constants: ${fam.name}`, fam.headers, (out) =>
      fam.constants.forEach((c, i) => {
        out.assert(constantCheck(c.name, c.value, formatPlace(src.at(['families', fam.name, 'constants', i]))));
      }),
    ),
  );
}

/** Size, alignment, each field's offset and size, and a probe for each bitfield's bits. */
function structLines(model: LinuxTargetModel, s: StructModel, out: PartItems): void {
  const layout = layoutOf(model, s);
  if (s.cname === null) {
    if (s.auditSizeExpr) out.assert(layoutCheck('size', s.name, `(${s.auditSizeExpr})`, layout.size, formatPlace(s.place)));
    return;
  }
  if (s.auditSize) {
    out.assert(layoutCheck('size', s.name, `sizeof(${s.cname})`, layout.size, formatPlace(s.place)));
    out.assert(layoutCheck('align', s.name, `_Alignof(${s.cname})`, layout.align, formatPlace(s.place)));
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
    out.assert(layoutCheck('offset', `${s.name}.${f.name}`, `__builtin_offsetof(${s.cname}, ${f.name})`, f.offset, formatPlace(place)));
    // A flexible array member has no size of its own to compare.
    if (!(f.type.kind === 'array' && f.type.length === null)) {
      out.assert(layoutCheck('fieldsize', `${s.name}.${f.name}`, `sizeof(((${s.cname} *)0)->${f.name})`, f.size, formatPlace(place)));
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
    prelude: ['#define _GNU_SOURCE 1', ...AUDIT_MACROS],
    parts: [syscallPart(specs, model), ...constantParts(specs, model), ...structParts(model)],
    howToCompile: [
      `${model.target.triple}-gcc -fsyntax-only -DSYSBIND_PART=N audit.c`,
      `(a part with bitfield probes) ${model.target.triple}-gcc -c -DSYSBIND_PART=N -DSYSBIND_BITS audit.c, then compare the sysbind.bits.* sections`,
    ],
  };
}

/**
 * Items of a target's audit that are emitted once, in the platform's common
 * folder (render/shared-audit.ts): by part title, the items the common file's
 * section for that title holds.
 */
export interface SharedAuditItems {
  /** The common file, as audit.c includes it (`../linux-common/audit-shared.h`). */
  include: string;
  sections: Map<string, Set<string>>;
}

/** The macro that selects a part's section of the common file: SB_SHARED_ and the title's letters and digits. */
export function sharedSectionMacro(title: string): string {
  return `SB_SHARED_${title.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

/** The common file's text for one part: its items under `#ifdef <macro>`, so each audit.c takes only its part's. */
export function sharedAuditSection(title: string, items: string[]): string[] {
  const macro = sharedSectionMacro(title);
  return [`#ifdef ${macro} /* ${title} */`, ...items, `#endif /* ${macro} */`];
}

/** audit.c: every part under `#if SYSBIND_PART == N`, so one file holds translation units whose headers cannot meet. */
export function renderAuditC(program: AuditProgram, banner: string, shared?: SharedAuditItems): string {
  const n = program.parts.length;
  const out = [
    `/* ${banner} */`,
    `/*`,
    ` * ABI audit for ${program.target}: compile each part (N = 1..${n}) with the target's compiler,`,
    ...program.howToCompile.map((how, i) => ` *   ${i > 0 ? 'or ' : ''}${how}`),
    ` * Every failed assertion names the item, the value the spec expects and the spec line;`,
    ` * an item the headers do not define is reported by a #pragma message.`,
    ...(shared && shared.sections.size > 0 ? [` * Checks identical on other targets are in ${shared.include}, included by the parts they belong to.`] : []),
    ` */`,
    `#ifndef SYSBIND_PART`,
    `#error "define SYSBIND_PART (1..${n})"`,
    `#endif`,
    ...program.prelude,
  ];
  program.parts.forEach((p, i) => {
    const common = shared?.sections.get(p.title);
    const macro = sharedSectionMacro(p.title);
    const items = common ? [`#define ${macro}`, `#include "${shared!.include}"`, `#undef ${macro}`, ...p.items.filter((x) => !common.has(x))] : p.items;
    out.push('', `#if SYSBIND_PART == ${i + 1} /* ${p.title} */`, ...p.headers.map((h) => `#include <${h}>`));
    if (p.bitProbes.length === 0) out.push(...items);
    else out.push('#ifndef SYSBIND_BITS', ...items, '#else', ...p.bitProbes.map((b) => `${b.source} /* ${b.item}: ${b.place} */`), '#endif');
    out.push('#endif');
  });
  return out.join('\n') + '\n';
}
