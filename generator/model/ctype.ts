/**
 * The C type model shared by the spec loader, the layout engine and the
 * emitters. Types here are already resolved for one target: typedefs are
 * expanded and per-arch variants chosen, so the layout engine never looks at
 * spec syntax.
 */
import type { Place } from '../errors.js';


/** Primitive C types, named by what C calls them (not by size: size depends on the target). */
export type PrimName =
  | 'char' // plain char: signedness is a target fact (Target.charSigned)
  | 'signed char'
  | 'unsigned char'
  | 'short'
  | 'unsigned short'
  | 'int'
  | 'unsigned int'
  | 'long'
  | 'unsigned long'
  | 'long long'
  | 'unsigned long long'
  | 'float'
  | 'double'
  | '_Bool';

export const PRIM_NAMES: readonly PrimName[] = [
  'char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long', 'unsigned long',
  'long long', 'unsigned long long', 'float', 'double', '_Bool',
];

export type CType =
  | { kind: 'prim'; name: PrimName }
  /** Any data pointer. `to` is kept for documentation and for marshalling decisions. */
  | { kind: 'pointer'; to: CType | 'void' | 'function' }
  /** `length: null` is a flexible array member (`char d_name[]`). */
  | { kind: 'array'; of: CType; length: number | null }
  | { kind: 'record'; decl: RecordDecl }
  /** A C enum: GCC and MSVC give it `int` layout unless its values need more (we only model int). */
  | { kind: 'enum'; name: string };

export interface RecordDecl {
  /** The spec's name for it, e.g. `stat`, `epoll_event`. */
  name: string;
  kind: 'struct' | 'union';
  fields: FieldDecl[];
  /** `__attribute__((packed))` on the whole record. */
  packed?: boolean;
  /** `#pragma pack(N)` in force where the record is declared. */
  pack?: number;
  /** `__attribute__((aligned(N)))` / `__declspec(align(N))` on the record. */
  align?: number;
  /** Where the spec declares it (for a LayoutError). */
  place?: Place;
}

export interface FieldDecl {
  /** Absent for an anonymous struct/union member or an unnamed bitfield. */
  name?: string;
  type: CType;
  /** Bitfield width (0 allowed only when unnamed). */
  bits?: number;
  /** `__attribute__((aligned(N)))` on the member. */
  align?: number;
  /** `__attribute__((packed))` on the member. */
  packed?: boolean;
  /** Where the spec declares it (for a LayoutError). */
  place?: Place;
}

/** Target facts the layout engine needs (a subset of Target, so tests can build them directly). */
export interface AbiFacts {
  dataModel: 'LP64' | 'ILP32' | 'LLP64';
  /** Alignment of 8-byte integers and doubles inside records (i386 System V: 4). */
  int64Align: 4 | 8;
  bitfields: 'gcc' | 'msvc';
  charSigned: boolean;
  endian: 'little' | 'big';
  /**
   * Unnamed bitfields (zero-width ones included) raise the record's alignment
   * to their declared type's, as named ones do: the ARM AAPCS and AAPCS64 rule
   * (GCC's TARGET_ALIGN_ANON_BITFIELD). Absent means false.
   */
  unnamedBitfieldAlign?: boolean;
}

export interface FieldLayout {
  /** Dotted path from the outermost record, anonymous members flattened (`st_atim.tv_sec`, or `u.x` for a named union member). */
  name: string;
  /** Byte offset from the start of the outermost record laid out. */
  offset: number;
  size: number;
  align: number;
  type: CType;
  /**
   * For bitfields: bit offset inside the storage unit starting at `offset`, and width.
   * The unit is `size` bytes read as one integer in the target's byte order;
   * bitOffset counts from that integer's least significant bit on every target
   * (see generator/layout/engine.ts).
   */
  bitOffset?: number;
  bits?: number;
}

export interface RecordLayout {
  name: string;
  size: number;
  align: number;
  /**
   * The record's direct members (anonymous members' fields flattened into this
   * list, since C accesses them as if they were direct), in declaration order.
   */
  fields: FieldLayout[];
}
