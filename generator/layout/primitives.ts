/**
 * Size and alignment of C's scalar types (primitives, pointers, enums) for one
 * target, as they matter for record layout.
 *
 * The data model fixes sizes: int is 4 everywhere we target; long is 8 on LP64
 * and 4 on ILP32/LLP64; pointers are 4 on ILP32 and 8 otherwise.
 *
 * Alignment is reported as the alignment the type gets *as a record member*,
 * which is what every caller of this module needs. The two differ only for the
 * 8-byte scalars (long long, double, and long on LP64) on i386 System V
 * (`int64Align: 4`): GCC caps their member alignment at 4 (its
 * ADJUST_FIELD_ALIGN hook, x86_field_alignment), while a standalone object of
 * such a type is still placed on 8 (`__alignof__(long long)` is 8, the
 * "preferred" alignment). `_Alignof(long long)` reports the ABI alignment, 4,
 * since GCC 8. A record's alignment is computed from its members, so a struct
 * holding a long long has alignment 4 on i386, and nothing in a layout ever
 * sees the 8.
 */
import type { AbiFacts, PrimName } from '../model/ctype.js';

export interface ScalarLayout {
  size: number;
  /** Alignment as a record member. */
  align: number;
}

function primSize(name: PrimName, abi: AbiFacts): number {
  switch (name) {
    case 'char':
    case 'signed char':
    case 'unsigned char':
    case '_Bool':
      return 1;
    case 'short':
    case 'unsigned short':
      return 2;
    case 'int':
    case 'unsigned int':
    case 'float':
      return 4;
    case 'long':
    case 'unsigned long':
      return abi.dataModel === 'LP64' ? 8 : 4;
    case 'long long':
    case 'unsigned long long':
    case 'double':
      return 8;
  }
}

/** Every scalar is naturally aligned, except that 8-byte ones align to `int64Align` inside records. */
function memberAlign(size: number, abi: AbiFacts): number {
  return size === 8 ? abi.int64Align : size;
}

export function primLayout(name: PrimName, abi: AbiFacts): ScalarLayout {
  const size = primSize(name, abi);
  return { size, align: memberAlign(size, abi) };
}

/** Data and function pointers have the same layout on every target we support. */
export function pointerLayout(abi: AbiFacts): ScalarLayout {
  const size = abi.dataModel === 'ILP32' ? 4 : 8;
  return { size, align: memberAlign(size, abi) };
}

/**
 * Enums are laid out as `int` by GCC (for enumerators that fit in int) and
 * always by MSVC; the model only has such enums.
 */
export function enumLayout(): ScalarLayout {
  return { size: 4, align: 4 };
}

/** Whether a primitive may be a bitfield's declared type (integers, _Bool; enums are allowed separately). */
export function isIntegerPrim(name: PrimName): boolean {
  return name !== 'float' && name !== 'double';
}
