/**
 * What the cross harness (test/cross/harness/run.ts) writes after running the
 * compiled suite on one Node, and what the cross stage reads back.
 */

/** `not-portable`: listed in test/cross/harness/not-portable.ts for this target, and failed as listed. */
export type CaseState = 'passed' | 'failed' | 'skipped' | 'not-portable';

export interface CaseResult {
  /** Test file relative to test/, as in the sources: `linux/entry.test.ts`. */
  file: string;
  /** Describe names and the test name joined by ' > '. */
  name: string;
  state: CaseState;
  ms: number;
  /** The failure (or, for not-portable, why it cannot pass here). */
  error?: string;
}

export interface SuiteReport {
  /** process.platform-process.arch of the Node that ran the suite. */
  target: string;
  node: string;
  endianness: 'BE' | 'LE';
  results: CaseResult[];
  ms: number;
}

export function countStates(results: readonly CaseResult[]): Record<CaseState, number> {
  const counts: Record<CaseState, number> = { passed: 0, failed: 0, skipped: 0, 'not-portable': 0 };
  for (const r of results) counts[r.state]++;
  return counts;
}
