/**
 * The audit's probe model: what `sysbind audit` asks a target's compiler, as
 * parts (independent translation units, each with its headers) of C lines,
 * with the number of assertions each holds. Both platforms' audit programs
 * are built as this model; generated/<target>/audit.c is its text, and the
 * audit runner reads the model, never that text.
 *
 * A failed assertion comes back from the compiler as its message, in the
 * format defined (and parsed) here: `sysbind|<kind>|<item>|<expected>|<C
 * expression>|<spec place>`; an item the headers lack as a `#pragma message`
 * `sysbind|missing|<kind>|<item>|<expected>|<spec place>`.
 *
 * offsetof cannot name a bitfield, so a bitfield is probed through data: a
 * const object of the header's record with only that field set to all ones,
 * in a section of its own; the runner compiles the part to an object file
 * (-DSYSBIND_BITS) and compares the section's bytes with the engine's.
 */
import { formatPlace, type Place } from '../errors.js';

export interface AuditPart {
  title: string;
  /** Headers the part includes, in order. */
  headers: string[];
  /**
   * The part's checks in order, each independent of the others: one line, or
   * lines that stand together (an #ifdef block). Items identical on several
   * targets are emitted once (render/shared-audit.ts).
   */
  items: string[];
  assertions: number;
  /** Bitfield probes, compiled (to an object) only with -DSYSBIND_BITS. */
  bitProbes: BitProbe[];
}

export interface BitProbe {
  /** `record.field`. */
  item: string;
  /** The object file section holding the probe's bytes. */
  section: string;
  /** The C definition of the probe object. */
  source: string;
  /** The record's bytes with only the field's bits set, as the layout engine places them. */
  expected: number[];
  place: string;
}

export interface AuditProgram {
  target: string;
  /** Lines before every part (feature macros, assertion macros). */
  prelude: string[];
  parts: AuditPart[];
  /** How to compile it by hand, for the file's comment (one line per way). */
  howToCompile: string[];
}

export function missingMessage(kind: string, item: string, expected: string | number, place: Place): string {
  return `sysbind|missing|${kind}|${item}|${expected}|${formatPlace(place)}`;
}

/**
 * The assertion macros every audit program's prelude defines: compact forms of
 * the `_Static_assert`s and `#pragma message`s above, the preprocessor
 * spelling each message from the arguments (so a check is written once, not
 * twice as an expression and again as its message's text).
 */
export const AUDIT_MACROS = [
  '#define SB_PRAGMA(x) _Pragma(#x)',
  '#define SB_MISSING(name, v, place) SB_PRAGMA(message("sysbind|missing|constant|" #name "|" #v "|" place))',
  '#define SB_S(name, v, place) _Static_assert((long long)(name) == v##LL, "sysbind|constant|" #name "|" #v "|(long long)(" #name ")|" place)',
  '#define SB_U(name, v, place) _Static_assert((unsigned long long)(name) == v##ULL, "sysbind|constant|" #name "|" #v "|(unsigned long long)(" #name ")|" place)',
  '#define SB_H(name, v, place) _Static_assert((long long)(INT_PTR)(name) == v##LL, "sysbind|constant|" #name "|" #v "|(long long)(INT_PTR)(" #name ")|" place)',
  '#define SB_NR(name, v, place) _Static_assert(__NR_##name == v, "sysbind|syscall|" #name "|" #v "|__NR_" #name "|" place)',
  '#define SB_NR_MISSING(name, v, place) SB_PRAGMA(message("sysbind|missing|syscall|" #name "|" #v "|" place))',
  '#define SB_LAYOUT(kind, item, expr, v, place) _Static_assert((expr) == v##ULL, "sysbind|" #kind "|" item "|" #v "|" #expr "|" place)',
];

/** A constant's value against the headers': SB_S or SB_U by its sign. */
export function constantCheck(name: string, value: number | bigint | string, place: string): string {
  return `${String(value).startsWith('-') ? 'SB_S' : 'SB_U'}(${name}, ${value}, ${JSON.stringify(place)});`;
}

/** A record's size, alignment, field offset or field size against the headers' (`expr`, a C expression). */
export function layoutCheck(kind: 'size' | 'align' | 'offset' | 'fieldsize', item: string, expr: string, value: number, place: string): string {
  return `SB_LAYOUT(${kind}, ${JSON.stringify(item)}, ${expr}, ${value}, ${JSON.stringify(place)});`;
}

export interface FailedAssertion {
  kind: string;
  item: string;
  expected: string;
  expr: string;
  place: string;
}

const ASSERTION = /^sysbind\|([^|]+)\|([^|]+)\|([^|]+)\|([^|]+)\|(.+)$/;
const MISSING = /sysbind\|missing\|([^|]+)\|([^|]+)\|([^|]+)\|([^"\s]+)/;

/** A failed assertion's message (as compileC's failedAssertions gives it), or null. */
export function parseAssertion(message: string): FailedAssertion | null {
  const m = ASSERTION.exec(message);
  return m && { kind: m[1]!, item: m[2]!, expected: m[3]!, expr: m[4]!, place: m[5]! };
}

/** A compiler note naming an item the headers lack, or null. */
export function parseMissing(message: string): Omit<FailedAssertion, 'expr'> | null {
  const m = MISSING.exec(message);
  return m && { kind: m[1]!, item: m[2]!, expected: m[3]!, place: m[4]! };
}

/** Collects one part's items, counting the assertions among them. */
export class PartItems {
  readonly items: string[] = [];
  readonly bitProbes: BitProbe[] = [];
  assertions = 0;
  /** A bitfield probe (counted as an assertion). */
  probe(p: BitProbe): void {
    this.bitProbes.push(p);
    this.assertions++;
  }
  /** A line holding one assertion. */
  assert(line: string): void {
    this.items.push(line);
    this.assertions++;
  }
  /** A line that asserts nothing (a #pragma message naming what the headers lack). */
  note(line: string): void {
    this.items.push(line);
  }
  /** Lines that stand together (an #ifdef block) holding `assertions` assertions. */
  block(lines: string[], assertions: number): void {
    this.items.push(lines.join('\n'));
    this.assertions += assertions;
  }
}
