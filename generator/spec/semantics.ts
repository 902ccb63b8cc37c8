/**
 * Schema and types of specs/linux/semantics.yaml: what C cannot say about a
 * syscall's parameters and result. Resolution against prototypes happens in
 * syscall-model.ts; this module only reads and validates.
 */
import { loadSpecFile, type SourceFile } from './source-file.js';

export type Dir = 'in' | 'out' | 'inout';

export type ParamSemantics =
  | 'fd'
  | 'path'
  | 'string'
  | { path: true; optional?: boolean }
  | { string: true; optional?: boolean }
  /**
   * `pages`: one byte per page of the range that parameter's length covers (mincore's vec);
   * `header`: an integer of that C type precedes the `length` bytes (msgbuf's long mtype).
   */
  | { buffer: Dir | 'range'; length?: string; lengthCell?: string; pages?: string; header?: string; optional?: boolean }
  | { struct: string; dir: Dir; optional?: boolean }
  | { array: string; dir: Dir; length?: string; count?: number; optional?: boolean }
  | { cell: string; dir: Dir; count?: number }
  /**
   * Integers the caller holds in a typed array the kernel reads or writes in place (loff_t *, int *status);
   * `bits`: a bit set (select's fd_set) the kernel uses as many bits of as that parameter says.
   */
  | { ref: string; dir: Dir; length?: string; bits?: string; optional?: boolean }
  /** Not a JS argument: the target's value of a constant (an ioctl request, a socket option). */
  | { constant: string }
  | { value: number }
  | { default: number }
  /** One half of a 64-bit value the prototype splits in two (ia32's poslo/poshi): JS passes it whole as `of`. */
  | { low: string }
  | { high: string }
  | { sizeof: string }
  | { mapping: 'release'; length: string };

export type ReturnSemantics = 'number' | 'bigint' | 'void' | { param: string } | { mapping: { length: string; release: string } };

export interface SyscallSemantics {
  /**
   * The kernel call this entry is a typed form of, where the entry's name is not
   * a syscall (ioctl_TCGETS: ioctl with its request fixed by a `constant` param).
   */
  syscall?: string;
  blocking?: boolean;
  doc?: string;
  params?: Record<string, ParamSemantics>;
  returns?: ReturnSemantics;
  /** Also export this call under that name on targets where that name is not bound (clock_gettime64 → clock_gettime). */
  exportAs?: string;
  /** Targets where this entry does not apply, selector → reason (selector: kernelArch, kernelArch/32|64, or a data model). */
  skip?: Record<string, string>;
  /** Parameter annotations for targets whose prototype differs (same selectors); replaces `params` there. */
  byArch?: Record<string, { params: Record<string, ParamSemantics> }>;
}

export interface SemanticsFile {
  syscalls: Record<string, SyscallSemantics>;
}

const dir = { enum: ['in', 'out', 'inout'] } as const;
const ident = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;

const paramSchema = {
  anyOf: [
    { enum: ['fd', 'path', 'string'] },
    { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { const: true }, optional: { type: 'boolean' } } },
    { type: 'object', additionalProperties: false, required: ['string'], properties: { string: { const: true }, optional: { type: 'boolean' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['buffer'],
      properties: { buffer: { enum: ['in', 'out', 'inout', 'range'] }, length: ident, lengthCell: ident, pages: ident, header: { type: 'string' }, optional: { type: 'boolean' } },
    },
    { type: 'object', additionalProperties: false, required: ['struct', 'dir'], properties: { struct: ident, dir, optional: { type: 'boolean' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['array', 'dir'],
      properties: { array: ident, dir, length: ident, count: { type: 'integer', minimum: 1 }, optional: { type: 'boolean' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['cell', 'dir'],
      properties: { cell: { type: 'string' }, dir, count: { type: 'integer', minimum: 1 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['ref', 'dir'],
      properties: { ref: { type: 'string' }, dir, length: ident, bits: ident, optional: { type: 'boolean' } },
    },
    { type: 'object', additionalProperties: false, required: ['constant'], properties: { constant: ident } },
    { type: 'object', additionalProperties: false, required: ['value'], properties: { value: { type: 'integer' } } },
    { type: 'object', additionalProperties: false, required: ['default'], properties: { default: { type: 'integer' } } },
    { type: 'object', additionalProperties: false, required: ['low'], properties: { low: ident } },
    { type: 'object', additionalProperties: false, required: ['high'], properties: { high: ident } },
    { type: 'object', additionalProperties: false, required: ['sizeof'], properties: { sizeof: ident } },
    { type: 'object', additionalProperties: false, required: ['mapping', 'length'], properties: { mapping: { const: 'release' }, length: ident } },
  ],
} as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['syscalls'],
  properties: {
    syscalls: {
      type: 'object',
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          syscall: ident,
          blocking: { type: 'boolean' },
          doc: { type: 'string' },
          params: { type: 'object', additionalProperties: paramSchema },
          skip: { type: 'object', additionalProperties: { type: 'string', minLength: 3 } },
          exportAs: ident,
          byArch: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['params'],
              properties: { params: { type: 'object', additionalProperties: paramSchema } },
            },
          },
          returns: {
            anyOf: [
              { enum: ['number', 'bigint', 'void'] },
              { type: 'object', additionalProperties: false, required: ['param'], properties: { param: ident } },
              {
                type: 'object',
                additionalProperties: false,
                required: ['mapping'],
                properties: {
                  mapping: { type: 'object', additionalProperties: false, required: ['length', 'release'], properties: { length: ident, release: ident } },
                },
              },
            ],
          },
        },
      },
    },
  },
} as const;

export function loadSemantics(file: string): SourceFile<SemanticsFile> {
  const src = loadSpecFile<SemanticsFile>(file, schema);
  for (const [k, v] of Object.entries(src.data.syscalls)) if (v === null) src.data.syscalls[k] = {};
  return src;
}
