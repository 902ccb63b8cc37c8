/**
 * What rendering one target produces, in memory, before anything is written:
 * its files, which of them may be shared with other targets, and the counts
 * `generate` reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetExports } from '../emit/ts-host-index.js';

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
  /** Not bound: not implemented on the target, skipped by the spec, or not expressible. */
  unbound: number;
  constants: number;
  structs: number;
  exports: TargetExports;
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
  result: GenerateResult;
}

export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
