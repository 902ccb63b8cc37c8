/**
 * The C ABI record layout engine: the size, alignment and member offsets C
 * compilers give a struct or union on one target.
 *
 * Two rule sets exist. `bitfields: gcc` is the System V family as GCC
 * implements it (stor-layout.cc: layout_decl, update_alignment_for_field,
 * place_field); `bitfields: msvc` is Microsoft's, as GCC reproduces it for
 * mingw (`-mms-bitfields`, GCC's ms_bitfield_layout_p branches; see
 * placeStructMsvc for where MSVC itself differs). They agree on ordinary
 * members and differ only around bitfields. Positions are tracked in bits,
 * since bitfields need them.
 *
 * Bitfield results (see FieldLayout): `offset`/`size` name a storage unit of
 * the declared type's size holding the whole field, the most aligned such unit
 * (naturally aligned whenever the ABI allows; a packed field that straddles
 * every such unit gets one extra byte); `align` is that unit's alignment.
 * `bitOffset` counts from the least significant bit of that unit read as one
 * integer in the target's byte order. On little-endian targets that is simply
 * the bit position from the unit's first byte. On big-endian targets GCC
 * allocates bitfields from the most significant bit of the first byte
 * downwards, so a field whose first bit is `p` bits into the unit has
 * bitOffset = size*8 - p - bits. Either way an accessor reads `size` bytes at
 * `offset` as an integer in target byte order and takes
 * `(unit >> bitOffset) & (2**bits - 1)`.
 */
import { LayoutError, type Place } from '../errors.js';
import type { AbiFacts, CType, FieldDecl, FieldLayout, RecordDecl, RecordLayout } from '../model/ctype.js';
import { enumLayout, isIntegerPrim, pointerLayout, primLayout } from './primitives.js';

/** Size and member alignment of any type; records are laid out (and memoised). */
export function sizeAlignOf(type: CType, abi: AbiFacts): { size: number; align: number } {
  switch (type.kind) {
    case 'prim':
      return primLayout(type.name, abi);
    case 'pointer':
      return pointerLayout(abi);
    case 'enum':
      return enumLayout();
    case 'array': {
      const element = sizeAlignOf(type.of, abi);
      return { size: element.size * (type.length ?? 0), align: element.align };
    }
    case 'record': {
      const { size, align } = layoutRecord(type.decl, abi);
      return { size, align };
    }
  }
}

const memo = new WeakMap<RecordDecl, Map<string, RecordLayout>>();

export function layoutRecord(decl: RecordDecl, abi: AbiFacts): RecordLayout {
  // Every fact that layouts depend on (charSigned does not affect layout).
  const key = [abi.dataModel, abi.int64Align, abi.bitfields, abi.endian, abi.unnamedBitfieldAlign === true].join('/');
  let perAbi = memo.get(decl);
  if (!perAbi) {
    perAbi = new Map();
    memo.set(decl, perAbi);
  }
  let layout = perAbi.get(key);
  if (!layout) {
    layout = computeLayout(decl, abi);
    perAbi.set(key, layout);
  }
  return layout;
}

/** A member with the facts the placement rules read. */
interface Member {
  decl: FieldDecl;
  /** Declared type's size in bytes (0 for a flexible array member) and its member alignment. */
  typeSize: number;
  typeAlign: number;
  /** Bitfield width; undefined for an ordinary member. */
  width: number | undefined;
  /** `packed` on the member or on the record (GCC's DECL_PACKED). */
  packed: boolean;
}

interface Placed {
  member: Member;
  /** Bit position from the start of the record. */
  bitPos: number;
}

interface Placement {
  placed: Placed[];
  /** End of the last member, in bits (the record's size before tail padding). */
  endBits: number;
  align: number;
}

function computeLayout(decl: RecordDecl, abi: AbiFacts): RecordLayout {
  validateRecord(decl);
  const members = decl.fields.map((field, i) => memberOf(field, i, decl, abi));
  const placement = decl.kind === 'union' ? placeUnion(members, decl, abi) : placeStruct(members, decl, abi);
  const size = roundUp(Math.ceil(placement.endBits / 8), placement.align);
  return { name: decl.name, size, align: placement.align, fields: fieldLayouts(placement.placed, decl, abi) };
}

function placeStruct(members: Member[], rec: RecordDecl, abi: AbiFacts): Placement {
  return abi.bitfields === 'msvc' ? placeStructMsvc(members, rec) : placeStructGcc(members, rec, abi);
}

/** Union members all start at 0; the union is as big as its biggest member and as aligned as its most aligned one. */
function placeUnion(members: Member[], rec: RecordDecl, abi: AbiFacts): Placement {
  let align = initialAlign(rec);
  let endBits = 0;
  for (const m of members) {
    // No member precedes another in a union, so MSVC's zero-width rule never applies.
    const contribution = abi.bitfields === 'msvc' ? msvcAlignContribution(m, rec, null) : gccAlignContribution(m, rec, abi);
    align = Math.max(align, contribution);
    endBits = Math.max(endBits, roundUp(memberBits(m), 8));
  }
  return { placed: members.map((member) => ({ member, bitPos: 0 })), endBits, align };
}

/**
 * System V / GCC struct layout. Ordinary members go at the next multiple of
 * their alignment. A bitfield goes at the next free bit unless it would then
 * touch more alignment units of its declared type than the type's size covers
 * (PCC_BITFIELD_TYPE_MATTERS), in which case it starts at the next such unit:
 * an `int` bitfield never crosses a 4-byte boundary, while on i386 a
 * `long long` one (aligned to 4 there) may cross an 8-byte boundary as long as
 * it touches at most two 4-byte units. Packed bitfields, and all bitfields
 * under #pragma pack, skip that rule and may straddle anything. A zero-width
 * bitfield aligns the next member to its declared type's alignment, packed or
 * not.
 */
function placeStructGcc(members: Member[], rec: RecordDecl, abi: AbiFacts): Placement {
  let align = initialAlign(rec);
  let pos = 0;
  const placed: Placed[] = [];
  for (const m of members) {
    align = Math.max(align, gccAlignContribution(m, rec, abi));
    if (m.width === undefined) {
      pos = roundUp(pos, ordinaryMemberAlign(m, rec) * 8);
    } else if (m.width === 0) {
      pos = roundUp(pos, m.typeAlign * 8);
    } else if (!rec.pack && !m.packed && spansTooManyUnits(pos, m.width, m)) {
      pos = roundUp(pos, m.typeAlign * 8);
    }
    placed.push({ member: m, bitPos: pos });
    pos += memberBits(m);
  }
  return { placed, endBits: pos, align };
}

/** GCC's excess_unit_span: would bits [pos, pos+width) touch more type-alignment units than the type's size covers? */
function spansTooManyUnits(pos: number, width: number, m: Member): boolean {
  const unitBits = m.typeAlign * 8;
  const unitsTouched = Math.ceil(((pos % unitBits) + width) / unitBits);
  return unitsTouched > (m.typeSize * 8) / unitBits;
}

/**
 * How much a member raises the record's alignment under GCC's rules
 * (update_alignment_for_field). Ordinary members: their alignment. Named
 * bitfields: their declared type's alignment, capped by #pragma pack or
 * reduced to 1 when packed. Unnamed bitfields, zero-width ones included, do
 * not count, except on ARM AAPCS targets (`unnamedBitfieldAlign`) where they
 * count like named ones and a zero-width one ignores packing altogether.
 */
function gccAlignContribution(m: Member, rec: RecordDecl, abi: AbiFacts): number {
  if (m.width === undefined) return ordinaryMemberAlign(m, rec);
  if (m.decl.name === undefined && !abi.unnamedBitfieldAlign) return 1;
  if (m.width === 0) return m.typeAlign;
  if (rec.pack) return Math.min(m.typeAlign, rec.pack);
  return m.packed ? 1 : m.typeAlign;
}

/**
 * Microsoft struct layout. Consecutive bitfields whose declared types have the
 * same size share a storage unit of that size while they fit; a bitfield that
 * does not fit starts the next unit, and a bitfield of a different type size
 * (or any ordinary member) closes the unit: the rest of it is padding and the
 * new member is aligned for its own type. A zero-width bitfield closes the
 * current unit and, if it follows a non-zero bitfield, raises the record's
 * alignment to its type's; one that does not follow a bitfield is ignored. A
 * struct ending in a bitfield is padded to the end of its unit.
 *
 * This is GCC's ms_bitfield_layout_p code path step by step: `run` is GCC's
 * rli->prev_field (the bitfield that opened the current unit, or the last
 * zero-width one) and `remaining` its rli->remaining_in_alignment.
 *
 * Known differences of real MSVC (as clang's MSVC-target layout reproduces
 * it) from this, mingw GCC's, version: MSVC ignores the alignment of
 * bitfields declared directly in a union, and does not cap an explicitly
 * aligned member (`__declspec(align(N))`) by #pragma pack.
 */
function placeStructMsvc(members: Member[], rec: RecordDecl): Placement {
  let align = initialAlign(rec);
  let pos = 0;
  let run: Member | null = null;
  let remaining = 0;
  const placed: Placed[] = [];
  members.forEach((m, index) => {
    align = Math.max(align, msvcAlignContribution(m, rec, run));
    // An ordinary member wants its own alignment; a bitfield places itself.
    const desiredBits = m.width === undefined ? ordinaryMemberAlign(m, rec) * 8 : 1;
    let realign = pos % desiredBits !== 0;
    if (run === null && realign) pos = roundUp(pos, desiredBits);
    let closedRun = run;
    if (run !== null) {
      if (m.width && run.width && m.typeSize === run.typeSize) {
        if (remaining < m.width) {
          // The unit is full: this field opens the next one, right after it.
          pos += remaining;
          run = m;
          remaining = m.typeSize * 8 - m.width;
        } else {
          remaining -= m.width;
          realign = false;
        }
      } else {
        // The run ends here; a non-empty unit is used up to its end.
        if (run.width) pos += remaining;
        else closedRun = null;
        if (!m.width) run = null;
      }
      if (realign) pos = roundUp(pos, desiredBits);
    }
    const opensUnit = m.width === undefined || (closedRun !== null ? m.typeSize !== closedRun.typeSize : m.width !== 0);
    if (opensUnit) {
      if (!isFlexibleArray(m.decl)) remaining = m.typeSize * 8 - memberBits(m);
      let unitAlign = m.packed ? 1 : m.typeAlign;
      if (rec.pack) unitAlign = Math.min(unitAlign, rec.pack);
      pos = roundUp(pos, unitAlign * 8);
      run = m.width === undefined ? null : m;
    }
    placed.push({ member: m, bitPos: pos });
    if (run === null && m.width !== undefined) run = m;
    pos += memberBits(m);
    if (index === members.length - 1 && m.width) pos += remaining;
  });
  return { placed, endBits: pos, align };
}

/**
 * How much a member raises the record's alignment under Microsoft's rules:
 * ordinary members by their alignment, every non-packed bitfield by its
 * declared type's alignment (capped by #pragma pack), and a zero-width
 * bitfield only when it directly follows a non-zero one.
 */
function msvcAlignContribution(m: Member, rec: RecordDecl, run: Member | null): number {
  if (m.width === undefined) return ordinaryMemberAlign(m, rec);
  const counts = m.width > 0 ? !m.packed : run !== null && run.width !== 0;
  if (!counts) return 1;
  return rec.pack ? Math.min(m.typeAlign, rec.pack) : m.typeAlign;
}

/**
 * Alignment of an ordinary member (GCC's layout_decl, the same for both rule
 * sets): its type's alignment raised by `aligned(N)` on the member; `packed`
 * drops the type's alignment but keeps an explicit `aligned(N)` (which may then
 * lower it); #pragma pack caps the result, explicit alignment included.
 */
function ordinaryMemberAlign(m: Member, rec: RecordDecl): number {
  const explicit = m.decl.align ?? 1;
  const align = m.packed ? explicit : Math.max(explicit, m.typeAlign);
  return rec.pack ? Math.min(align, rec.pack) : align;
}

/** `aligned(N)` on the record raises its alignment (and so its size); nothing lowers it. */
function initialAlign(rec: RecordDecl): number {
  return rec.align ?? 1;
}

function memberBits(m: Member): number {
  return m.width ?? m.typeSize * 8;
}

function memberOf(decl: FieldDecl, index: number, rec: RecordDecl, abi: AbiFacts): Member {
  const where = `${rec.kind} ${rec.name}, member ${decl.name ?? `#${index}`}`;
  const { size, align } = sizeAlignOf(decl.type, abi);
  if (decl.bits !== undefined) validateBitfield(decl, size, where, decl.place ?? rec.place);
  else if (decl.name === undefined && decl.type.kind !== 'record') {
    throw new LayoutError(`${where}: an unnamed member must be a bitfield or an anonymous struct/union`, decl.place ?? rec.place);
  }
  if (isFlexibleArray(decl) && (rec.kind !== 'struct' || index !== rec.fields.length - 1)) {
    throw new LayoutError(`${where}: a flexible array member must be the last member of a struct`, decl.place ?? rec.place);
  }
  if (decl.align !== undefined) validatePowerOfTwo(decl.align, `${where}: align`, decl.place ?? rec.place);
  return {
    decl,
    typeSize: size,
    typeAlign: align,
    width: decl.bits,
    packed: decl.packed === true || rec.packed === true,
  };
}

function validateBitfield(decl: FieldDecl, typeSize: number, where: string, place: Place | undefined): void {
  const bits = decl.bits ?? 0;
  const t = decl.type;
  if (!(t.kind === 'enum' || (t.kind === 'prim' && isIntegerPrim(t.name)))) {
    throw new LayoutError(`${where}: a bitfield must have an integer, _Bool or enum type`, place);
  }
  const maxBits = t.kind === 'prim' && t.name === '_Bool' ? 1 : typeSize * 8;
  if (!Number.isInteger(bits) || bits < 0 || bits > maxBits) {
    throw new LayoutError(`${where}: bitfield width ${bits} is outside 0..${maxBits}`, place);
  }
  if (bits === 0 && decl.name !== undefined) throw new LayoutError(`${where}: a zero-width bitfield must be unnamed`, place);
  if (decl.align !== undefined) throw new LayoutError(`${where}: alignment on a bitfield is not supported`, place);
}

function validateRecord(decl: RecordDecl): void {
  if (decl.pack !== undefined) validatePowerOfTwo(decl.pack, `${decl.kind} ${decl.name}: pack`, decl.place);
  if (decl.align !== undefined) validatePowerOfTwo(decl.align, `${decl.kind} ${decl.name}: align`, decl.place);
}

function validatePowerOfTwo(n: number, what: string, place: Place | undefined): void {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new LayoutError(`${what} must be a power of two, got ${n}`, place);
}

function isFlexibleArray(decl: FieldDecl): boolean {
  return decl.type.kind === 'array' && decl.type.length === null;
}

/**
 * The record's accessible members: named members as they are, the members of
 * anonymous structs/unions flattened in with offsets from this record's start,
 * unnamed bitfields (padding) left out.
 */
function fieldLayouts(placed: Placed[], rec: RecordDecl, abi: AbiFacts): FieldLayout[] {
  const fields: FieldLayout[] = [];
  for (const { member, bitPos } of placed) {
    const { decl } = member;
    if (decl.name === undefined) {
      if (decl.bits === undefined && decl.type.kind === 'record') {
        for (const inner of layoutRecord(decl.type.decl, abi).fields) {
          fields.push({ ...inner, offset: inner.offset + bitPos / 8 });
        }
      }
      continue;
    }
    if (member.width === undefined) {
      fields.push({ name: decl.name, offset: bitPos / 8, size: member.typeSize, align: ordinaryMemberAlign(member, rec), type: decl.type });
    } else {
      fields.push({ name: decl.name, type: decl.type, bits: member.width, ...storageUnit(bitPos, member.width, member.typeSize, abi) });
    }
  }
  return fields;
}

/** The storage unit holding bits [bitPos, bitPos+width) and the field's bitOffset in it (see the top comment). */
function storageUnit(bitPos: number, width: number, typeSize: number, abi: AbiFacts): { offset: number; size: number; align: number; bitOffset: number } {
  const unit = (offset: number, size: number, align: number) => {
    const fromStart = bitPos - offset * 8;
    const bitOffset = abi.endian === 'little' ? fromStart : size * 8 - fromStart - width;
    return { offset, size, align, bitOffset };
  };
  for (let align = typeSize; align >= 1; align /= 2) {
    const offset = Math.floor(bitPos / (align * 8)) * align;
    if (bitPos + width <= (offset + typeSize) * 8) return unit(offset, typeSize, align);
  }
  return unit(Math.floor(bitPos / 8), typeSize + 1, 1);
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
