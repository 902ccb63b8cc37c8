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
  lines: string[];
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

export function assertionMessage(kind: string, item: string, expected: string | number, expr: string, place: Place): string {
  return `sysbind|${kind}|${item}|${expected}|${expr}|${formatPlace(place)}`;
}

export function missingMessage(kind: string, item: string, expected: string | number, place: Place): string {
  return `sysbind|missing|${kind}|${item}|${expected}|${formatPlace(place)}`;
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

/** Collects one part's lines, counting the assertions among them. */
export class PartLines {
  readonly lines: string[] = [];
  readonly bitProbes: BitProbe[] = [];
  assertions = 0;
  /** A bitfield probe (counted as an assertion). */
  probe(p: BitProbe): void {
    this.bitProbes.push(p);
    this.assertions++;
  }
  /** A line holding one assertion. */
  assert(line: string): void {
    this.lines.push(line);
    this.assertions++;
  }
  /** Lines that assert nothing (#ifdef, #pragma message). */
  other(...lines: string[]): void {
    this.lines.push(...lines);
  }
}
