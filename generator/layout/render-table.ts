/**
 * The terminal view of `sysbind layout`: one record on several targets side by
 * side, pahole-style. A row per member, hole and tail padding (rows line up by
 * field path across targets), offset and size columns per target (and the
 * target's type where targets use different types), then the totals. Rows
 * where targets disagree are marked `*`; with `color` the differing cells are
 * also bold red (for a TTY).
 */
import { compareLayouts, outliers, rowDiffers, type ComparedRow, type RecordTitle, type TargetLayout } from './layout-compare.js';
import { describeBits, type LayoutRow, type LayoutView } from './layout-view.js';

export interface TableOptions {
  /** Use ANSI colours: differing cells bold red, targets without a variant dim. */
  color: boolean;
}

const RED = '\x1b[1;31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

interface Cell {
  text: string;
  /** ANSI style for the padded text when colours are on. */
  style?: string;
}

/** A target's columns: offset, size and, where types vary, type; or one cell spanning them. */
type Group = Cell[];

interface Line {
  mark: string;
  label: string;
  type: string;
  groups: Group[];
}

export function renderLayoutTable(title: RecordTitle, layouts: readonly TargetLayout[], options: TableOptions): string {
  const rows = compareLayouts(layouts);
  const withTypes = rows.some(typesVary);
  const present = layouts.map((l) => l.view !== null);
  const body = rows.map((row) => memberLine(row, present, withTypes));
  const totals = totalLines(layouts);
  const lines = [...body, ...totals];

  const groupSize = withTypes ? 3 : 2;
  const split = lines.filter((line) => line.groups[0]!.length === groupSize);
  const subWidths = layouts.map((_, t) =>
    Array.from({ length: groupSize }, (_, c) => Math.max(c === 0 ? 6 : 4, ...split.map((line) => line.groups[t]![c]!.text.length))),
  );
  const groupWidths = layouts.map((l, t) =>
    Math.max(subWidths[t]!.reduce((a, b) => a + b + 1, -1), l.target.length, l.view ? 0 : 'no variant'.length, ...lines.map((line) => line.groups[t]![0]!.text.length)),
  );
  const labelWidth = Math.max(title.name.length, ...lines.map((l) => l.label.length));
  const typeWidth = Math.max(4, ...lines.map((l) => l.type.length));
  const paint = (cell: Cell, padded: string) => (options.color && cell.style ? `${cell.style}${padded}${RESET}` : padded);
  const renderGroup = (group: Group, t: number) => {
    if (group.length === 1) return paint(group[0]!, group[0]!.text.padStart(groupWidths[t]!));
    const w = subWidths[t]!;
    const parts = group.map((cell, c) => paint(cell, c < 2 ? cell.text.padStart(w[c]!) : cell.text.padEnd(w[c]!)));
    return parts.join(' ').padEnd(groupWidths[t]!);
  };
  const render = (line: Line) => [line.mark.padEnd(1), line.label.padEnd(labelWidth), line.type.padEnd(typeWidth), ...line.groups.map(renderGroup)].join('  ').trimEnd();
  const names = layouts.map((l): Group => [{ text: l.target }]);
  const units = layouts.map((l): Group => [l.view ? { text: withTypes ? 'offset size type' : 'offset size' } : { text: 'no variant', style: DIM }]);
  const rule = '-'.repeat(render({ mark: '', label: '', type: '', groups: names }).length);

  return [
    `${title.name}: ${title.cname ?? 'no C declaration'} (<${title.header}>)`,
    render({ mark: '', label: title.name, type: 'type', groups: names }),
    render({ mark: '', label: '', type: '', groups: units }),
    rule,
    ...body.map(render),
    rule,
    ...totals.map(render),
    '',
    'offset, size: bytes; a:b = bit b of byte a (memory order); Nb = N bits; * = targets differ',
  ].join('\n');
}

function typesVary(row: ComparedRow): boolean {
  return new Set(row.cells.flatMap((c) => (c?.kind === 'member' ? [c.type] : []))).size > 1;
}

function memberLine(row: ComparedRow, present: boolean[], withTypes: boolean): Line {
  const indent = '  '.repeat(row.depth);
  const label = row.kind === 'member' ? indent + row.key : `${indent}/* XXX ${row.kind === 'hole' ? 'hole' : row.key} */`;
  const vary = typesVary(row);
  const first = row.cells.find((c) => c !== undefined);
  const type = first?.kind !== 'member' ? '' : vary ? '(varies)' : first.type;
  const groups = row.cells.map((c, t): Group => {
    const style = row.differs[t] ? { style: RED } : {};
    const absent = present[t] ? '-' : '';
    const cells = c === undefined ? [{ text: '' }, { text: absent, ...style }] : [{ text: position(c), ...style }, { text: amount(c), ...style }];
    if (withTypes) cells.push({ text: vary && c?.kind === 'member' ? shortType(c.type) : '' });
    return cells;
  });
  return { mark: rowDiffers(row) ? '*' : '', label, type, groups };
}

/** Byte offset, or `byte:bit` for positions inside a byte. */
function position(row: LayoutRow): string {
  const byte = Math.floor(row.startBit / 8);
  const bit = row.startBit % 8;
  return bit === 0 && (row.kind !== 'member' || row.bits === undefined) ? String(byte) : `${byte}:${bit}`;
}

/** Bytes, or `Nb` for bitfields and gaps that are not whole bytes. */
function amount(row: LayoutRow): string {
  if (row.kind === 'member') return row.bits === undefined ? String(row.size) : `${row.bits.width}b`;
  return row.bits % 8 === 0 && row.startBit % 8 === 0 ? String(row.bits / 8) : `${row.bits}b`;
}

/** `unsigned long` → `ulong`, `long long` → `llong`: types short enough for a column per target. */
function shortType(type: string): string {
  return type.replace(/unsigned /g, 'u').replace(/long long/g, 'llong').replace(/^struct /, '');
}

/** Size, alignment, holes and padding per target, each value spanning the target's columns. */
function totalLines(layouts: readonly TargetLayout[]): Line[] {
  const each = (label: string, f: (v: LayoutView) => string): Line => {
    const values = layouts.map((l) => (l.view ? f(l.view) : undefined));
    const differs = outliers(values);
    const groups = values.map((v, t): Group => [{ text: v ?? '', ...(differs[t] ? { style: RED } : {}) }]);
    return { mark: differs.some(Boolean) ? '*' : '', label, type: '', groups };
  };
  return [
    each('size', (v) => String(v.size)),
    each('align', (v) => String(v.align)),
    each('holes', (v) => (v.holes.count === 0 ? '0' : `${v.holes.count}: ${describeBits(v.holes.bits)}`)),
    each('padding', (v) => (v.paddingBits === 0 ? '0' : describeBits(v.paddingBits))),
  ];
}
