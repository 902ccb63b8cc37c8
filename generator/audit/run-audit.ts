/**
 * `sysbind audit`: compiles each part of a target's audit program (the model
 * generated/<target>/audit.c is written from) with the target's real compiler and turns failed assertions into a list of
 * mismatches (what, expected, spec place), and `#pragma message` notes into
 * a list of items the installed headers do not know (newer than the headers).
 */
import { join } from 'node:path';
import { renderAuditC } from '../emit/audit-c.js';
import { parseAssertion, parseMissing, type BitProbe } from '../model/probe.js';
import { auditProgramFor } from '../render/audit-program.js';
import type { Target } from '../spec/targets.js';
import { loadWin32Headers, win32ClangArgs } from '../spec/win32-specs.js';
import { compileC, compilerFor, describeSetBytes, evaluateConstants, failedAssertions, objectSections } from './compile-c.js';

export interface Mismatch {
  kind: string;
  item: string;
  /** What the spec (and the layout engine) say. */
  expected: string;
  /** What the target's compiler says, where it could be asked ('?' otherwise). */
  actual: string;
  place: string;
}

export interface NotInHeaders {
  kind: string;
  item: string;
  expected: string;
  place: string;
}

export interface AuditResult {
  target: string;
  compiler: string;
  parts: number;
  assertions: number;
  mismatches: Mismatch[];
  notInHeaders: NotInHeaders[];
  /** Compiler errors that are not assertions (a missing header, an unknown type): the audit could not judge. */
  errors: string[];
}

/**
 * Audits a target as its specs stand: its audit program (the model audit.c is
 * written from) is compiled part by part with the target's real compiler.
 */
export async function auditTarget(root: string, target: Target): Promise<AuditResult> {
  const program = auditProgramFor(root, target);
  const text = renderAuditC(program, `audit of ${target.name}`);
  const parts = program.parts.length;
  const assertions = program.parts.reduce((n, p) => n + p.assertions, 0);
  const result: AuditResult = { target: target.name, compiler: '', parts, assertions, mismatches: [], notInHeaders: [], errors: [] };
  // Where clang alone would not find a mingw target's headers, headers.yaml says where they are.
  const clangArgs = target.platform === 'win32' ? win32ClangArgs(loadWin32Headers(join(root, 'specs')).data) : [];
  const extraArgs = compilerFor(target).kind === 'clang' ? clangArgs : [];
  // Parts are independent translation units: compile them two at a time (two cores).
  const queue = Array.from({ length: parts }, (_, i) => i + 1);
  const worker = async () => {
    for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
      const r = await compileC({ target, source: text, mode: 'syntax-only', args: [`-DSYSBIND_PART=${part}`, ...extraArgs] });
      result.compiler = `${r.compiler.command} ${r.compiler.args.join(' ')}`.trim();
      const failed = failedAssertions(r.diagnostics).map(parseAssertion).filter((m) => m !== null);
      // Ask the compiler what it thinks each failed expression is, with the part's own headers.
      const { headers } = program.parts[part - 1]!;
      const prelude = [...program.prelude, ...headers.map((h) => `#include <${h}>`)].join('\n');
      const actual = failed.length > 0 ? await evaluateConstants(target, prelude, failed.map((m) => m.expr), extraArgs) : [];
      failed.forEach((m, i) => {
        const v = actual[i];
        result.mismatches.push({ kind: m.kind, item: m.item, expected: m.expected, actual: v === undefined || Number.isNaN(v) ? '?' : String(v), place: m.place });
      });
      for (const d of r.diagnostics) {
        const missing = parseMissing(d.message);
        if (missing) result.notInHeaders.push(missing);
        else if (d.severity === 'error' && !d.message.includes('sysbind|')) result.errors.push(`part ${part}: line ${d.line}: ${d.message}`);
      }
      if (!r.ok && r.diagnostics.length === 0) result.errors.push(`part ${part}: ${r.stderr.trim()}`);
      const probes = program.parts[part - 1]!.bitProbes;
      if (probes.length > 0) await checkBitProbes(target, text, part, probes, extraArgs, result);
    }
  };
  await Promise.all([worker(), worker()]);
  const order = (x: { place: string; item: string }, y: { place: string; item: string }) => x.place.localeCompare(y.place) || x.item.localeCompare(y.item);
  result.mismatches.sort(order);
  result.notInHeaders.sort(order);
  return result;
}

/**
 * Compiles a part's bitfield probes to an object file and compares each
 * probe's bytes (the header's record with one field all ones) with the engine's.
 */
async function checkBitProbes(target: Target, text: string, part: number, probes: BitProbe[], extraArgs: string[], result: AuditResult): Promise<void> {
  const r = await compileC({ target, source: text, mode: 'object', args: [`-DSYSBIND_PART=${part}`, '-DSYSBIND_BITS', ...extraArgs] });
  if (!r.ok || !r.output) {
    result.errors.push(`part ${part} (bitfield probes): ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ') || r.stderr.trim()}`);
    return;
  }
  const sections = objectSections(r.output);
  for (const p of probes) {
    const bytes = [...(sections.get(p.section) ?? [])].slice(0, p.expected.length);
    if (bytes.length === p.expected.length && bytes.every((b, i) => b === p.expected[i])) continue;
    result.mismatches.push({ kind: 'bits', item: p.item, expected: describeSetBytes(p.expected), actual: describeSetBytes(bytes), place: p.place });
  }
}

/** A terminal table of an audit's findings. */
export function formatAudit(r: AuditResult): string {
  const lines = [`${r.target}: ${r.assertions} assertions in ${r.parts} parts, compiled with ${r.compiler}`];
  if (r.mismatches.length === 0 && r.errors.length === 0) lines.push(`  clean: every number, constant and layout matches the headers`);
  if (r.mismatches.length > 0) {
    lines.push(`  ${r.mismatches.length} mismatch${r.mismatches.length === 1 ? '' : 'es'}:`);
    const rows = [['what', 'item', 'expected (spec)', 'actual (compiler)', 'spec'], ...r.mismatches.map((m) => [m.kind, m.item, m.expected, m.actual, m.place])];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) lines.push(`    ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd());
    const records = [...new Set(r.mismatches.filter((m) => ['size', 'align', 'offset', 'fieldsize', 'bits'].includes(m.kind)).map((m) => m.item.split('.')[0]!))];
    for (const name of records) lines.push(`  see: sysbind layout ${name} --targets ${r.target}`);
  }
  if (r.notInHeaders.length > 0) {
    lines.push(`  ${r.notInHeaders.length} not in the installed headers (newer than them, not checked): ${r.notInHeaders.map((n) => n.item).join(', ')}`);
  }
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}
