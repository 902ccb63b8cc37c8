/**
 * Semantics the kernel's own prototype gives, for a syscall semantics.yaml does
 * not describe. Every pointer parameter of a syscall is a `__user` pointer; what
 * the prototype says beyond that is enough for most of them:
 *
 * - `const char *` or `char *` followed by a byte length (`buf, count`,
 *   `name, len`, `value, size`) is a buffer of that length (in when const);
 *   without one it is a NUL-terminated string (a path when its name says so).
 * - `void *` followed by a byte length is a buffer; without one it says nothing.
 * - a pointer to a struct sysbind declares, with no raw pointer inside it (the
 *   kernel would follow a pointer JavaScript could set to anything; a field that
 *   holds a caller's buffer, iovec's iov_base, is sealed), is that struct:
 *   followed by its byte size (`uattr, usize`) the size is fixed to the struct's,
 *   followed by an element count (`events, maxevents`) it is an array of that
 *   many, otherwise one struct (in when const, nullable), but only where no
 *   other integer could be how many the kernel touches (io_getevents' nr).
 *   A byte length named for something (msg_len, sigsetsize) belongs to the
 *   pointer that names it, wherever it stands.
 *
 * - a pointer to an integer is one integer the caller holds in a typed array
 *   (`loff_t *off_in` a BigInt64Array, `int *stat_addr` an Int32Array, or
 *   null): always for the types that name one value (loff_t, time_t,
 *   aio_context_t, timer_t); for plain integers only where nothing could be how
 *   many the kernel touches: no integer left over and no other integer pointer
 *   named like a length or count (get_mempolicy's maxnode, lsm's size).
 *
 * Anything else (pointers to pointers, to structs sysbind does not declare)
 * leaves the call to semantics.yaml: the kernel does not say how many it reads
 * or writes. Where a derivation is wrong for a call (utimes reads two
 * timevals through one pointer), semantics.yaml describes the call and wins;
 * where a call can hurt the process whatever its arguments, danger.yaml says so.
 */
import type { CType, RecordDecl } from '../model/ctype.js';
import { parseTypeString } from './ctype-parse.js';
import type { ParamSemantics, SyscallSemantics } from './semantics.js';
import type { StructModel } from './struct-specs.js';

/** Names the kernel gives a byte length that follows its buffer. */
const BYTE_LENGTH = /^(count|size|len|bufsiz|bufsize|usize|argsz|plen|\w+_len|\w+_size|\w+size|size\w+)$/;
/** Names the kernel gives an element count that follows its array. */
const ELEMENT_COUNT = /^(max\w*|nr|nr_\w+|vlen|nsops|nfds|\w+cnt)$/;
/** An integer whose name says it may be the extent of some pointer (then a lone struct is not assumed). */
const EXTENT_LIKE = /(size|len|sz|count|cnt|^n$|^nr|max|num)/;
/** Integer types that name one value, never a count or an array's element (a pointer to one is one). */
const SINGLE_VALUE = /^(loff_t|__kernel_loff_t|off_t|__kernel_off_t|__kernel_old_time_t|__kernel_time_t|time_t|aio_context_t|timer_t|__kernel_timer_t)$/;
/** A string parameter whose name says it is a path (error messages name it). */
const PATH_NAME = /(path|file|dir)(name)?$|^(oldname|newname|new_root|put_old|specialfile|u_name|name_user)$/;

/**
 * Whether a byte-length name belongs to this pointer: a generic one (count,
 * size, len, …) to the pointer just before it; a specific one (msg_len,
 * sigsetsize, sizemask) to a pointer whose name or type says the same thing.
 */
function sizeFits(size: string, pointer: PrototypeParam, adjacent: boolean): boolean {
  if (!BYTE_LENGTH.test(size)) return false;
  const specific = /^(\w+?)_?(len|size)$/.exec(size)?.[1] ?? /^size(\w+)$/.exec(size)?.[1];
  if (!specific || ['u', 'buf', 'arg', 'p'].includes(specific)) return adjacent;
  const about = `${pointer.name} ${pointer.text}`.toLowerCase();
  return about.includes(specific.toLowerCase()) || (specific === 'sigset' && /sigset_t/.test(pointer.text));
}

export interface PrototypeParam {
  name: string;
  /** The prototype's C type text. */
  text: string;
  /** Its integer type, where it is not a pointer. */
  isInteger: boolean;
  /** A pointer to an integer type (after typedefs). */
  pointsToInteger?: boolean;
}

export type Derivation = { semantics: SyscallSemantics; notes: string[] } | { why: string };

/**
 * `structOf(base)` finds the struct sysbind declares for a pointee's type name
 * (`struct stat`, `sigset_t`: by tag, C name, kernel name or typedef), or undefined.
 */
export function deriveSemantics(params: PrototypeParam[], structOf: (base: string) => StructModel | undefined): Derivation {
  const out: Record<string, ParamSemantics> = {};
  const notes: string[] = [];
  const loneStructs: string[] = [];
  const intRefs: { p: PrototypeParam; base: string; isConst: boolean }[] = [];
  /** Integers already taken as some pointer's length or count. */
  const claimed = new Set<string>();
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.isInteger) continue;
    const t = parseTypeString(p.text);
    if (t.pointers !== 1 || t.dims.length > 0) return { why: `'${p.name}' (${p.text}) is not a pointer to one kind of thing` };
    if (p.pointsToInteger && t.base !== 'char' && t.base !== 'void') {
      intRefs.push({ p, base: t.base, isConst: t.isConst });
      continue;
    }
    const free = (q: PrototypeParam | undefined): q is PrototypeParam => q !== undefined && q.isInteger && !claimed.has(q.name);
    const next = params[i + 1];
    // The byte length: the next parameter, or a later one whose name says it is this pointer's.
    const byteLength = free(next) && sizeFits(next.name, p, true) ? next.name : params.slice(i + 2).find((q) => free(q) && sizeFits(q.name, p, false))?.name;
    const count = free(next) && ELEMENT_COUNT.test(next.name) ? next.name : undefined;
    if (byteLength) claimed.add(byteLength);
    if (count) claimed.add(count);
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
    if (followsPointer(st)) return { why: `'${p.name}' points to struct ${st.name}, which holds a pointer the kernel would follow` };
    if (hasFlexibleArray(st.decl)) return { why: `'${p.name}' points to struct ${st.name}, whose last member runs past its size` };
    if (byteLength && !count) {
      out[p.name] = { struct: st.name, dir: t.isConst ? 'in' : 'inout', optional: true };
      out[byteLength] = { sizeof: st.name };
      notes.push(`${p.name}: one ${st.tsName} (or null), ${byteLength} its size`);
    } else if (count) {
      out[p.name] = { array: st.name, dir: t.isConst ? 'in' : 'out', length: count };
      notes.push(`${p.name}: ${count} ${st.tsName} elements`);
    } else {
      out[p.name] = { struct: st.name, dir: t.isConst ? 'in' : 'inout', optional: true };
      notes.push(`${p.name}: one ${st.tsName} (or null)`);
      loneStructs.push(p.name);
    }
  }
  // One struct is assumed only where no integer left over could be how many the kernel reads or writes
  // (io_getevents' nr, msgrcv's msgsz).
  const extent = params.find((q) => q.isInteger && !claimed.has(q.name) && EXTENT_LIKE.test(q.name));
  if (loneStructs.length > 0 && extent) return { why: `'${extent.name}' may be the extent of '${loneStructs[0]}'` };
  const lengthRef = intRefs.find((r) => EXTENT_LIKE.test(r.p.name));
  for (const { p, base, isConst } of intRefs) {
    if (!SINGLE_VALUE.test(base)) {
      if (extent) return { why: `'${extent.name}' may be how many '${p.name}' (${p.text}) points to` };
      if (lengthRef) return { why: `'${lengthRef.p.name}' (${lengthRef.p.text}) may hold how many bytes another pointer covers` };
    }
    out[p.name] = { ref: base, dir: isConst ? 'in' : 'inout', optional: true };
    notes.push(`${p.name}: one ${base} in a typed array (or null)`);
  }
  return { semantics: { params: out }, notes };
}

/**
 * Whether the kernel would follow a pointer in the record that JavaScript could
 * set to anything: pointer fields that hold a caller's buffer (iovec's
 * iov_base) are sealed before each call (Struct.sealPointers), any other is raw.
 */
function followsPointer(st: StructModel): boolean {
  return st.decl.fields.some((f) => {
    const meta = f.name === undefined ? undefined : st.fields.get(f.name);
    if (f.type.kind === 'pointer') return !(meta?.buffer || meta?.array);
    return typeHasPointer(f.type);
  });
}

function typeHasPointer(t: CType): boolean {
  if (t.kind === 'pointer') return true;
  if (t.kind === 'array') return typeHasPointer(t.of);
  if (t.kind === 'record') return t.decl.fields.some((f) => typeHasPointer(f.type));
  return false;
}

/** A flexible array member (`char name[]`) makes a record longer than its size says. */
function hasFlexibleArray(decl: RecordDecl): boolean {
  return decl.fields.some((f) => (f.type.kind === 'array' && f.type.length === null) || (f.type.kind === 'record' && !f.name && hasFlexibleArray(f.type.decl)));
}
