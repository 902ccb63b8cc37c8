/**
 * Semantics the kernel's own prototype gives, for a syscall semantics.yaml does
 * not describe. Every pointer parameter of a syscall is a `__user` pointer; what
 * the prototype says beyond that is enough for most of them:
 *
 * - `const char *` or `char *` followed by a byte length (`buf, count`,
 *   `name, len`, `value, size`) is a buffer of that length (in when const);
 *   without one it is a NUL-terminated string (a path when its name says so).
 * - `void *` followed by a byte length is a buffer; without one it says nothing.
 * - a pointer to a struct sysbind declares, with no pointer inside it (the kernel
 *   would follow a pointer JavaScript could set to anything), is that struct:
 *   followed by its byte size (`uattr, usize`) the size is fixed to the struct's,
 *   followed by an element count (`events, maxevents`) it is an array of that
 *   many, otherwise one struct (in when const, nullable).
 *
 * Anything else (pointers to integers, to pointers, to structs sysbind does not
 * declare) leaves the call to semantics.yaml: the kernel does not say how many
 * it reads or writes. Where a derivation is wrong for a call (utimes reads two
 * timevals through one pointer), semantics.yaml describes the call and wins;
 * where a call can hurt the process whatever its arguments, danger.yaml says so.
 */
import type { CType, RecordDecl } from '../model/ctype.js';
import { parseTypeString } from './ctype-parse.js';
import type { ParamSemantics, SyscallSemantics } from './semantics.js';
import type { StructModel } from './struct-specs.js';

/** Names the kernel gives a byte length that follows its buffer. */
const BYTE_LENGTH = /^(count|size|len|bufsiz|bufsize|usize|argsz|plen|sizemask|sigsetsize|\w+_len|\w+_size)$/;
/** Names the kernel gives an element count that follows its array. */
const ELEMENT_COUNT = /^(max\w*|nr|nr_\w+|vlen|nsops|nfds|\w+cnt)$/;
/** A string parameter whose name says it is a path (error messages name it). */
const PATH_NAME = /(path|file|dir)(name)?$|^(oldname|newname|new_root|put_old|specialfile|u_name|name_user)$/;

export interface PrototypeParam {
  name: string;
  /** The prototype's C type text. */
  text: string;
  /** Its integer type, where it is not a pointer. */
  isInteger: boolean;
}

export type Derivation = { semantics: SyscallSemantics; notes: string[] } | { why: string };

/**
 * `structOf(base)` finds the struct sysbind declares for a pointee's type name
 * (`struct stat`, `sigset_t`: by tag, C name, kernel name or typedef), or undefined.
 */
export function deriveSemantics(params: PrototypeParam[], structOf: (base: string) => StructModel | undefined): Derivation {
  const out: Record<string, ParamSemantics> = {};
  const notes: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.isInteger) continue;
    const t = parseTypeString(p.text);
    if (t.pointers !== 1 || t.dims.length > 0) return { why: `'${p.name}' (${p.text}) is not a pointer to one kind of thing` };
    const next = params[i + 1];
    const free = next !== undefined && next.isInteger && !(next.name in out);
    const byteLength = free && BYTE_LENGTH.test(next.name) ? next.name : undefined;
    const count = free && ELEMENT_COUNT.test(next.name) ? next.name : undefined;
    if (t.base === 'char') {
      if (byteLength) {
        out[p.name] = { buffer: t.isConst ? 'in' : 'out', length: byteLength };
        notes.push(`${p.name}: a buffer of ${byteLength} bytes`);
      } else {
        out[p.name] = PATH_NAME.test(p.name) ? 'path' : 'string';
        notes.push(`${p.name}: a NUL-terminated string`);
      }
      continue;
    }
    if (t.base === 'void') {
      if (!byteLength) return { why: `'${p.name}' (${p.text}) has no byte length after it` };
      out[p.name] = { buffer: t.isConst ? 'in' : 'out', length: byteLength };
      notes.push(`${p.name}: a buffer of ${byteLength} bytes`);
      continue;
    }
    const st = structOf(t.base);
    if (!st) return { why: `'${p.name}' (${p.text}) points to nothing sysbind declares as a struct` };
    if (hasPointer(st.decl)) return { why: `'${p.name}' points to struct ${st.name}, which holds a pointer the kernel would follow` };
    if (byteLength) {
      out[p.name] = { struct: st.name, dir: t.isConst ? 'in' : 'inout', optional: true };
      out[byteLength] = { sizeof: st.name };
      notes.push(`${p.name}: one ${st.tsName} (or null), ${byteLength} its size`);
    } else if (count) {
      out[p.name] = { array: st.name, dir: t.isConst ? 'in' : 'out', length: count };
      notes.push(`${p.name}: ${count} ${st.tsName} elements`);
    } else {
      out[p.name] = { struct: st.name, dir: t.isConst ? 'in' : 'inout', optional: true };
      notes.push(`${p.name}: one ${st.tsName} (or null)`);
    }
  }
  return { semantics: { params: out }, notes };
}

function hasPointer(decl: RecordDecl): boolean {
  const typeHas = (t: CType): boolean => {
    if (t.kind === 'pointer') return true;
    if (t.kind === 'array') return typeHas(t.of);
    if (t.kind === 'record') return hasPointer(t.decl);
    return false;
  };
  return decl.fields.some((f) => typeHas(f.type));
}
