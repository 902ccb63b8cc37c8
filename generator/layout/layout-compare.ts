/**
 * Lines up one record's layout views on several targets row by row (by row
 * key), and says which cells differ: the shared model of the side-by-side
 * table and the pictures of `sysbind layout`.
 *
 * A cell differs when its offset and size (or a gap's position and length), or
 * its absence, is not what most targets that have the record show (or when
 * no one value is the most common). Types are
 * not compared: `long` and `int` of one size lay out alike; the renderers show
 * types where they differ.
 */
import type { LayoutRow, LayoutView } from './layout-view.js';

/** What a record is called: the heading of its table and picture. */
export interface RecordTitle {
  /** The spec's name for the record (what the audit names it by). */
  name: string;
  /** The C spelling and header the audit checks it against, if any. */
  cname: string | null;
  header: string;
}

export interface TargetLayout {
  target: string;
  /** null: no variant of the record applies to this target. */
  view: LayoutView | null;
}

export interface ComparedRow {
  key: string;
  kind: LayoutRow['kind'];
  depth: number;
  /** One per target, in the order given; undefined where the target has no such row (or no variant). */
  cells: (LayoutRow | undefined)[];
  /** Per target: this cell differs from the majority, or there is none (always false for targets without a variant). */
  differs: boolean[];
}

export function compareLayouts(layouts: readonly TargetLayout[]): ComparedRow[] {
  const keys = mergeOrder(layouts.map((l) => (l.view?.rows ?? []).map((r) => r.key)));
  return keys.map((key) => {
    const cells = layouts.map((l) => l.view?.rows.find((r) => r.key === key));
    const first = cells.find((c) => c !== undefined)!;
    const signatures = layouts.map((l, i) => (l.view === null ? undefined : signature(cells[i])));
    return { key, kind: first.kind, depth: first.depth, cells, differs: outliers(signatures) };
  });
}

/** Whether any target's cell in the row differs. */
export function rowDiffers(row: ComparedRow): boolean {
  return row.differs.some(Boolean);
}

function signature(row: LayoutRow | undefined): string {
  if (row === undefined) return 'absent';
  if (row.kind !== 'member') return `${row.kind} ${row.startBit}+${row.bits}`;
  return `${row.startBit}..${row.endBit} ${row.offset}+${row.size}`;
}

/**
 * Which values differ from the most common one; when no value is more common
 * than every other, all of them differ. Undefined values take no part.
 */
export function outliers(values: readonly (string | undefined)[]): boolean[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  const leaders = [...counts].filter(([, n]) => n === most);
  const majority = leaders.length === 1 ? leaders[0]![0] : undefined;
  return values.map((v) => v !== undefined && counts.size > 1 && v !== majority);
}

/**
 * One order for several key lists: the first list's, with each key that only
 * later lists have inserted right after the key that precedes it there (or at
 * the start). Keys keep their relative order within each list where the lists
 * agree.
 */
function mergeOrder(lists: readonly string[][]): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    let after = -1;
    for (const key of list) {
      const at = merged.indexOf(key);
      if (at >= 0) after = at;
      else merged.splice(++after, 0, key);
    }
  }
  return merged;
}
