/**
 * Renders RecordDecls as C source: each record after the records it contains
 * by value, each once, with GCC attribute syntax for `packed`/`aligned` and
 * `#pragma pack(push, N)` / `#pragma pack(pop)` around records that have
 * `pack`. Anonymous struct/union members are written inline. Enum types are
 * referred to as `enum NAME`; the surrounding source must define them.
 *
 * Also renders checks that a compiler lays records out as the engine says
 * (renderLayoutChecks).
 */
import { EmitError } from '../errors.js';
import type { AbiFacts, CType, FieldDecl, FieldLayout, RecordDecl, RecordLayout } from '../model/ctype.js';

/** C definitions of `decls` and every record they contain by value, dependencies first. */
export function renderRecords(decls: readonly RecordDecl[]): string {
  const ordered: RecordDecl[] = [];
  const seen = new Map<string, RecordDecl>();
  const visit = (decl: RecordDecl): void => {
    const known = seen.get(decl.name);
    if (known === decl) return;
    if (known) throw new EmitError(`two different records are both named '${decl.name}'`);
    seen.set(decl.name, decl);
    for (const dep of byValueRecords(decl)) visit(dep);
    ordered.push(decl);
  };
  decls.forEach(visit);
  return ordered.map(renderDefinition).join('\n');
}

/** Named records a record needs complete: member types, array elements, and those of its anonymous members. */
function byValueRecords(decl: RecordDecl): RecordDecl[] {
  const deps: RecordDecl[] = [];
  for (const field of decl.fields) {
    if (isAnonymousMember(field) && field.type.kind === 'record') {
      deps.push(...byValueRecords(field.type.decl));
      continue;
    }
    let type = field.type;
    while (type.kind === 'array') type = type.of;
    if (type.kind === 'record') deps.push(type.decl);
  }
  return deps;
}

function renderDefinition(decl: RecordDecl): string {
  const body = `${decl.kind} ${decl.name} ${renderBody(decl, '')}${recordAttributes(decl)};\n`;
  return decl.pack === undefined ? body : `#pragma pack(push, ${decl.pack})\n${body}#pragma pack(pop)\n`;
}

function renderBody(decl: RecordDecl, indent: string): string {
  const lines = decl.fields.map((field) => `${indent}  ${renderMember(field, decl, `${indent}  `)};\n`);
  return `{\n${lines.join('')}${indent}}`;
}

function renderMember(field: FieldDecl, parent: RecordDecl, indent: string): string {
  if (isAnonymousMember(field) && field.type.kind === 'record') {
    const inner = field.type.decl;
    if (field.align !== undefined || field.packed) {
      throw new EmitError(`${parent.name}: an anonymous member cannot carry member attributes in C`);
    }
    if (inner.pack !== parent.pack) {
      throw new EmitError(`${parent.name}: an anonymous member must share its parent's #pragma pack`);
    }
    return `${inner.kind} ${renderBody(inner, indent)}${recordAttributes(inner)}`;
  }
  const width = field.bits === undefined ? '' : ` : ${field.bits}`;
  return `${declaration(field.type, field.name ?? '')}${width}${memberAttributes(field)}`;
}

function isAnonymousMember(field: FieldDecl): boolean {
  return field.name === undefined && field.bits === undefined;
}

function recordAttributes(decl: RecordDecl): string {
  return attributes(decl.packed === true, decl.align);
}

function memberAttributes(field: FieldDecl): string {
  return attributes(field.packed === true, field.align);
}

function attributes(packed: boolean, align: number | undefined): string {
  const list = [...(packed ? ['packed'] : []), ...(align === undefined ? [] : [`aligned(${align})`])];
  return list.length === 0 ? '' : ` __attribute__((${list.join(', ')}))`;
}

/** A C declaration of `declarator` with the given type, e.g. `int (*f)[3]`, `void (*cb)(void)`. */
export function declaration(type: CType | 'void' | 'function', declarator: string): string {
  if (type === 'void') return joinDecl('void', declarator);
  if (type === 'function') return `void ${declarator}(void)`;
  switch (type.kind) {
    case 'prim':
      return joinDecl(type.name, declarator);
    case 'enum':
      return joinDecl(`enum ${type.name}`, declarator);
    case 'record':
      return joinDecl(`${type.decl.kind} ${type.decl.name}`, declarator);
    case 'array':
      return declaration(type.of, `${declarator}[${type.length ?? ''}]`);
    case 'pointer': {
      const needsParens = type.to === 'function' || (typeof type.to === 'object' && type.to.kind === 'array');
      return declaration(type.to, needsParens ? `(*${declarator})` : `*${declarator}`);
    }
  }
}

function joinDecl(specifier: string, declarator: string): string {
  return declarator === '' ? specifier : `${specifier} ${declarator}`;
}

/** A _Static_assert that a size, alignment or offset is what the engine says. */
export interface AssertCheck {
  /** Name of the record checked. */
  record: string;
  /** What is checked, e.g. `r3 size`, `r3.f2 offset`. */
  label: string;
  /** The assertion's message; a failed assertion's diagnostic repeats it. */
  message: string;
  /** The C constant expression checked, and the engine's value for it. */
  expression: string;
  expected: number;
}

/** A bitfield position check: an object whose bytes the compiler writes into its own section. */
export interface BitfieldProbe {
  record: string;
  /** e.g. `r3.f5 bits`. */
  label: string;
  /** Object file section holding the record with only this field set to all ones. */
  section: string;
  /** The bytes the engine predicts for that object (one per byte of the record). */
  expected: number[];
}

export interface LayoutCheckSource {
  /** `_Static_assert`s on sizes, alignments and member offsets: a syntax-only compile runs them. */
  staticAsserts: string;
  asserts: AssertCheck[];
  /** Definitions of the bitfield probe objects: compile to an object file and read its sections. */
  bitfieldProbes: string;
  probes: BitfieldProbe[];
}

/**
 * C that checks that a compiler lays records out as the engine says (to be
 * appended to renderRecords of the same records).
 *
 * offsetof cannot name a bitfield, so bitfield positions are checked through
 * data instead: for each bitfield, a const union of the record and a byte
 * array is initialised with that one field set to all ones (-1) and placed in
 * a section of its own; the caller compiles to an object file and compares the
 * section's bytes with the engine's prediction (objectSections in
 * audit/compile-c.ts). This needs no code to run, so it works for every target,
 * and shows exactly which bits the compiler chose. (Folding comparisons of
 * such bytes at -O1 looked simpler but GCC does not fold reads of some packed
 * bitfield initialisers.)
 */
export function renderLayoutChecks(laidOut: readonly { decl: RecordDecl; layout: RecordLayout }[], abi: Pick<AbiFacts, 'endian'>): LayoutCheckSource {
  const asserts: AssertCheck[] = [];
  const probes: BitfieldProbe[] = [];
  const probeSource: string[] = [];
  for (const { decl, layout } of laidOut) {
    const type = `${decl.kind} ${decl.name}`;
    const assertEqual = (label: string, expression: string, expected: number): void => {
      asserts.push({ record: decl.name, label, message: `sysbind layout check ${asserts.length}: ${label}`, expression, expected });
    };
    assertEqual(`${decl.name} size`, `sizeof(${type})`, layout.size);
    assertEqual(`${decl.name} align`, `_Alignof(${type})`, layout.align);
    for (const field of layout.fields) {
      if (field.bits === undefined) {
        assertEqual(`${decl.name}.${field.name} offset`, `__builtin_offsetof(${type}, ${field.name})`, field.offset);
        continue;
      }
      const section = `sysbind.bits.${probes.length}`;
      probes.push({ record: decl.name, label: `${decl.name}.${field.name} bits`, section, expected: recordBytesWithField(layout, field, abi) });
      probeSource.push(`${bitfieldProbeC(type, field.name, section)}\n`);
    }
  }
  const staticAsserts = asserts.map((a) => `_Static_assert(${a.expression} == ${a.expected}, "${a.message}");\n`).join('');
  return { staticAsserts, asserts, bitfieldProbes: probeSource.join(''), probes };
}

/**
 * A const object of `type` with only `field` set to all ones, in a section of
 * its own, so its bytes can be read from the object file.
 */
export function bitfieldProbeC(type: string, field: string, section: string): string {
  const name = section.replace(/\W/g, '_');
  return `const union { ${type} s; unsigned char b[sizeof(${type})]; } ${name} __attribute__((section("${section}"))) = { .s = { .${field} = -1 } };`;
}

/** The record's bytes with only `field`'s bits set, as the engine places them. */
export function recordBytesWithField(layout: RecordLayout, field: FieldLayout, abi: Pick<AbiFacts, 'endian'>): number[] {
  const bytes = new Array<number>(layout.size).fill(0);
  const first = field.bitOffset ?? 0;
  for (let bit = first; bit < first + (field.bits ?? 0); bit++) {
    const inUnit = abi.endian === 'little' ? Math.floor(bit / 8) : field.size - 1 - Math.floor(bit / 8);
    const at = field.offset + inUnit;
    bytes[at] = (bytes[at] ?? 0) | (1 << bit % 8);
  }
  return bytes;
}
