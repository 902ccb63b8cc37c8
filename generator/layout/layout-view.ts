/**
 * A record's layout as a person reads it, the model behind `sysbind layout`'s
 * table and pictures: its members in memory order with offsets and sizes, the
 * holes between them and the padding at its end. Positions are in bits so
 * bitfields fit in; a nested record is either one member (summarised) or
 * followed by its own members, holes and padding (expanded).
 *
 * Rows carry a `key` that names the same thing on every target (`st_mode`,
 * `hole before st_rdev`, `padding`, `padding in stx_atime`), so views of one
 * record on several targets can be lined up row by row.
 */
import type { AbiFacts, FieldLayout, RecordDecl, RecordLayout } from '../model/ctype.js';
import { declaration } from './c-decl.js';
import { layoutRecord } from './engine.js';

export interface MemberRow {
  kind: 'member';
  /** Field path from the outermost record, as the audit names it after `<record>.`: `stx_atime.tv_sec`. */
  key: string;
  /** Nesting level: 0 for the record's own members. */
  depth: number;
  /** The C type, typedefs resolved for the target: `unsigned long`, `struct timespec`, `char[65]`. */
  type: string;
  /** Byte offset from the outermost record's start and byte size (a bitfield's: its storage unit's). */
  offset: number;
  size: number;
  /** Bitfields only: position in the storage unit (counted from its least significant bit) and width. */
  bits?: { offset: number; width: number };
  /** Bits [startBit, endBit) of the outermost record that the member occupies, in memory order. */
  startBit: number;
  endBit: number;
  /** Set for members that are records: whether their own members follow. */
  record?: { expanded: boolean };
}

export interface GapRow {
  /** `hole`: unused bits before a member; `padding`: unused bits at a record's end. */
  kind: 'hole' | 'padding';
  key: string;
  depth: number;
  startBit: number;
  bits: number;
}

export type LayoutRow = MemberRow | GapRow;

export interface LayoutView {
  size: number;
  align: number;
  rows: LayoutRow[];
  /** The record's own holes (not those inside nested records) and its tail padding, in bits. */
  holes: { count: number; bits: number };
  paddingBits: number;
}

export interface ViewOptions {
  /** Show the members of nested records (recursively) instead of one row per nested record. */
  expand: boolean;
}

export function layoutView(decl: RecordDecl, abi: AbiFacts, options: ViewOptions): LayoutView {
  const layout = layoutRecord(decl, abi);
  const rows = recordRows(layout, abi, options, { base: 0, prefix: '', depth: 0 });
  const own = rows.filter((r): r is GapRow => r.kind !== 'member' && r.depth === 0);
  const holes = own.filter((r) => r.kind === 'hole');
  return {
    size: layout.size,
    align: layout.align,
    rows,
    holes: { count: holes.length, bits: holes.reduce((n, r) => n + r.bits, 0) },
    paddingBits: own.find((r) => r.kind === 'padding')?.bits ?? 0,
  };
}

interface Place {
  /** Byte offset of this record inside the outermost one. */
  base: number;
  /** Path of this record followed by a dot, or '' for the outermost one. */
  prefix: string;
  depth: number;
}

function recordRows(layout: RecordLayout, abi: AbiFacts, options: ViewOptions, at: Place): LayoutRow[] {
  const rows: LayoutRow[] = [];
  let cursor = at.base * 8;
  for (const f of layout.fields) {
    const path = at.prefix + f.name;
    const startBit = at.base * 8 + memoryBit(f, abi);
    if (startBit > cursor) rows.push({ kind: 'hole', key: `hole before ${path}`, depth: at.depth, startBit: cursor, bits: startBit - cursor });
    const endBit = startBit + (f.bits ?? f.size * 8);
    const nested = f.type.kind === 'record' ? f.type.decl : undefined;
    rows.push({
      kind: 'member',
      key: path,
      depth: at.depth,
      type: declaration(f.type, '').replace(/ \[/g, '['),
      offset: at.base + f.offset,
      size: f.size,
      ...(f.bits === undefined ? {} : { bits: { offset: f.bitOffset ?? 0, width: f.bits } }),
      startBit,
      endBit,
      ...(nested ? { record: { expanded: options.expand } } : {}),
    });
    if (nested && options.expand) {
      rows.push(...recordRows(layoutRecord(nested, abi), abi, options, { base: at.base + f.offset, prefix: `${path}.`, depth: at.depth + 1 }));
    }
    // Union members overlap: a member ending before an earlier one leaves no hole.
    cursor = Math.max(cursor, endBit);
  }
  const end = (at.base + layout.size) * 8;
  if (end > cursor) {
    const key = at.prefix === '' ? 'padding' : `padding in ${at.prefix.slice(0, -1)}`;
    rows.push({ kind: 'padding', key, depth: at.depth, startBit: cursor, bits: end - cursor });
  }
  return rows;
}

/**
 * Where a member's first bit is, counted in memory order from the record's
 * start (bit 0 is the first byte's least significant bit on little-endian
 * targets and its most significant bit on big-endian ones, GCC's allocation
 * order for bitfields on each).
 */
function memoryBit(f: FieldLayout, abi: AbiFacts): number {
  if (f.bits === undefined) return f.offset * 8;
  const fromStart = abi.endian === 'little' ? (f.bitOffset ?? 0) : f.size * 8 - (f.bitOffset ?? 0) - f.bits;
  return f.offset * 8 + fromStart;
}

/** `4 bytes`, `3 bits`, `2 bytes 3 bits`: a bit count as a person says it. */
export function describeBits(bits: number): string {
  const bytes = Math.floor(bits / 8);
  const rest = bits % 8;
  const parts = [...(bytes > 0 ? [`${bytes} byte${bytes === 1 ? '' : 's'}`] : []), ...(rest > 0 ? [`${rest} bit${rest === 1 ? '' : 's'}`] : [])];
  return parts.join(' ') || '0 bytes';
}
