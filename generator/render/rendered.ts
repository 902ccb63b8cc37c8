/**
 * What rendering one target produces, in memory, before anything is written:
 * its files, which of them may be shared with other targets, and the counts
 * `generate` reports.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderAuditC } from '../emit/audit-c.js';
import { makeBanner } from '../emit/banner.js';
import type { TargetExports } from '../emit/ts-host-index.js';
import type { EmittedFile } from '../emit/ts-text.js';
import type { AuditProgram } from '../model/probe.js';
import type { Target } from '../spec/targets.js';

export interface GenerateResult {
  target: string;
  files: string[];
  /** What the target's calls are: Linux syscalls or Win32 functions. */
  calls: 'syscalls' | 'functions';
  /** Bound under their own name. */
  safe: number;
  /** Bound only as unsafe_<name> (each with its reason in the model). */
  unsafe: number;
  /** Not bound: danger.yaml refuses them. */
  refused: number;
  /** Not bound, by why: the kernel does not implement it, the spec skips it, or its types are not expressible. */
  unbound: { notImplemented: number; skipped: number; notExpressible: number };
  constants: number;
  structs: number;
  exports: TargetExports;
  /** Linux: how the syscalls the target's kernel implements are bound (the README's coverage table). */
  coverage?: SyscallCoverage;
  /** Win32: how the functions of the selection's DLLs are bound (the README's Win32 coverage table). */
  functionCoverage?: FunctionCoverage;
}

export interface FunctionCoverage {
  /** Functions of the selection's DLLs the metadata has for this target (ANSI twins included). */
  inMetadata: number;
  /** Bound from the metadata's attributes alone. */
  fromAttributes: number;
  /** Of those, the ones whose failure rule the metadata does not state (the result returned unchecked). */
  failureUnstated: number;
  /** Bound with the selection's conventions, overrides or declarations. */
  withConventions: number;
  /** ANSI twins of W functions, left out by the importer. */
  ansiTwins: number;
  /** Refused, by category (win32-refusal.ts). */
  refused: Record<string, number>;
}

export interface SyscallCoverage {
  /** Syscalls with an entry point on this target. */
  implemented: number;
  /** Bound under their own name: described by semantics.yaml, derived from the prototype, or integers only. */
  safe: { curated: number; derived: number; integers: number };
  /** Bound only as unsafe_<name>: danger.yaml's reason, or a pointer nothing describes. */
  unsafe: { danger: number; undescribed: number };
  /** Implemented but not bound: refused by danger.yaml, skipped by semantics.yaml, types not expressible. */
  unbound: { refused: number; skipped: number; notExpressible: number };
}

export interface RenderedTarget {
  /** File name → content, each headed by the target's banner line. */
  files: Map<string, string>;
  /**
   * Files that depend on nothing target-bound (the addon, struct layouts), with
   * the sibling files they import: such a file may be emitted once for every
   * target whose copy is identical (see render/shared-files.ts).
   */
  shareable: Map<string, string[]>;
  /** Every input the target was rendered from (absolute paths), for banners of shared files. */
  inputs: string[];
  /** The audit program audit.c is written from, and the banner heading it (for render/shared-audit.ts). */
  audit: { program: AuditProgram; banner: string };
  result: GenerateResult;
}

export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What a platform's renderer supplies for one target; assembleTarget does the rest. */
export interface TargetWriters {
  /** The spec files the target's model was built from. */
  inputs: string[];
  /** Every file, each headed by `banner`: C/C++ as name → text, TypeScript as emitted, and the audit program (audit.c). */
  write(banner: string): { c: [string, string][]; ts: EmittedFile[]; audit: AuditProgram };
  result: Omit<GenerateResult, 'target' | 'files'>;
}

export function assembleTarget(root: string, target: Target, w: TargetWriters): RenderedTarget {
  const inputs = [...w.inputs, join(root, 'specs', 'targets.yaml')].map((f) => resolve(root, f));
  const banner = makeBanner({ version: packageVersion(root), command: `sysbind generate --target ${target.name}`, inputs, root }).line;
  const { c, ts, audit } = w.write(banner);
  const files = new Map<string, string>([...c, ['audit.c', renderAuditC(audit, banner)]]);
  const shareable = new Map<string, string[]>();
  for (const f of ts) {
    files.set(f.name, f.text);
    if (f.siblings) shareable.set(f.name, f.siblings);
  }
  return { files, shareable, inputs, audit: { program: audit, banner }, result: { target: target.name, files: [...files.keys()].sort(), ...w.result } };
}
