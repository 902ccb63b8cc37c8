/**
 * What makes a function that came in with its DLL unsafe although its
 * parameters are described: a junk call must not be able to hurt the process.
 * Checked on the classified function, before it is bound:
 *
 * - a pointer-sized integer argument (WPARAM, LPARAM, ULONG_PTR, SIZE_T: the
 *   metadata cannot tell a size from an address, and messages carry pointers
 *   in lParam);
 * - a handle type the system does not look up in a handle table (HHEAP,
 *   HINSTANCE, BCRYPT_*_HANDLE, …): such a handle is a pointer in disguise,
 *   unless the selection tracks it (the binding then accepts only the live
 *   values its own functions returned: see liveHandleUses);
 * - a record (or an array of records) read by the callee (in or in/out) with a pointer, an
 *   address-sized integer or an unvalidated handle among its members, or an
 *   ANYSIZE_ARRAY member whose count the callee would trust (unless the
 *   selection names the count field: the binding then checks it);
 * - DoesNotReturn (ExitProcess and kin), and the selection's `refuse` list:
 *   calls that take over what Node owns, each with its reason.
 */
import type { Dir, Win32Function, Win32Record, WinType } from '../model/win32.js';
import type { CuratedFunction } from './win32-curation.js';
import type { RefusalCategory } from './win32-refusal.js';

export interface SafetyPolicy {
  validatedHandles: Set<string>;
  /** Tracked handle type → its release functions: accepted as a parameter (checked against the live values), not inside records. */
  trackedHandles: Map<string, Set<string>>;
  /** Function name → the selection's refusal of it. */
  refuse: Map<string, { category: RefusalCategory; reason: string }>;
}

export function unsafeReason(f: Win32Function, c: CuratedFunction, policy: SafetyPolicy): { category: RefusalCategory; reason: string } | undefined {
  const listed = policy.refuse.get(f.name);
  if (listed !== undefined) return listed;
  if (c.spec.attrs?.includes('DoesNotReturn')) return { category: 'does not return', reason: 'the metadata marks it DoesNotReturn' };
  // An integer named like a count (Hungarian c/n/cb/cch/i prefixes, count/num/len/size/max/last…),
  // not a length, flag set or enum, could be the count of a pointer the metadata calls single.
  const count = f.params.find((p) => p.kind.kind === 'int' && p.kind.type.enumName === undefined && !p.kind.type.flags && looksLikeCount(p.name));
  for (const p of f.params) {
    const k = p.kind;
    const where = `parameter ${p.name}`;
    const single = k.kind === 'cell' ? describeType(k.elem) : k.kind === 'struct' && !k.byValue ? k.record.name : undefined;
    if ((k.kind === 'struct' || k.kind === 'records') && k.record.fields.length === 0) {
      return { category: 'untyped pointer', reason: `${where} points to ${k.record.name}, an opaque record (a pointer in disguise)` };
    }
    if (k.kind === 'cell' && k.elem.kind === 'int' && (k.elem.int.bits === 8 || k.elem.char || /STR$/.test(p.type.kind === 'pointer' ? (p.type.name ?? '') : ''))) {
      return { category: 'untyped pointer', reason: `${where} is a character buffer with no size` };
    }
    if (single !== undefined && count) {
      return {
        category: 'untyped pointer',
        reason: `${where} points to one ${single} by the metadata, which does not say how many; ${count.name} could be their count`,
      };
    }
    if (k.kind === 'int' && k.type.pointerSized) {
      return { category: 'address-sized integer', reason: `${where} is a pointer-sized integer (${k.type.name}), which may carry an address` };
    }
    const handle = k.kind === 'handle' ? k.type : k.kind === 'array' ? k.elem : k.kind === 'cell' && k.dir === 'inout' && k.elem.kind === 'handle' ? k.elem : undefined;
    // A tracked handle is checked against the live values only where it is a parameter of its own.
    const tracked = k.kind === 'handle' && policy.trackedHandles.has(k.type.name);
    if (handle && !tracked && !policy.validatedHandles.has(handle.name)) {
      return { category: 'unvalidated handle', reason: `${where} is a ${handle.name}, which the system does not look up in a handle table (a pointer in disguise)` };
    }
    if (k.kind === 'cell' && k.dir === 'inout' && k.elem.kind === 'int' && k.elem.pointerSized) {
      return { category: 'address-sized integer', reason: `${where} points to a pointer-sized integer (${k.elem.name}) the callee reads` };
    }
    if ((k.kind === 'struct' && readsRecord(k.dir, k.byValue)) || (k.kind === 'records' && readsRecord(k.dir, false))) {
      // Each element of an array is a record of its own: no counted array is checked inside them.
      const bad = unsafeMember(k.record, policy, new Set(), k.kind === 'struct');
      if (bad) return { category: bad.flexible ? 'variable-length record' : 'record with pointers', reason: `${where}: the callee reads ${k.record.name}, whose member ${bad.path} ${bad.what}` };
    }
  }
  return undefined;
}

/**
 * Parameter names that may be an element count (GetCharWidthW's iFirst/iLast, Polygon's cpt,
 * GetKerningPairsW's nPairs, …). A pointer-and-integer pair with any other name (dwFlags,
 * dwControl, samDesired) is not read as an array.
 */
const COUNT_WORD = /count|num|cnt|len|size|max|last|first|entries|items|elements/i;
const COUNT_PREFIX = /^(c|n|cb|cch|i)[A-Z]|^c[a-z]{1,3}$/;
const looksLikeCount = (name: string) => COUNT_WORD.test(name) || COUNT_PREFIX.test(name);

function describeType(t: WinType): string {
  return 'name' in t && t.name ? t.name : t.kind;
}

function readsRecord(dir: Dir, byValue: boolean): boolean {
  return byValue || dir !== 'out';
}

/** The first member of a record (through nested records and arrays) a junk value of which could hurt. */
function unsafeMember(r: Win32Record, policy: SafetyPolicy, seen: Set<string>, top = false): { path: string; what: string; flexible?: true } | undefined {
  if (seen.has(r.name)) return undefined;
  seen.add(r.name);
  for (const field of r.fields) {
    // A counted array is checked against the buffer by the binding, for the parameter's own record only.
    const checked = top && r.countedArray?.array === field.name;
    if (field.flexible && !checked) return { path: field.name, what: 'is an ANYSIZE_ARRAY whose count the callee trusts', flexible: true };
    const bad = unsafeType(field.type, policy, seen);
    if (bad) return { ...bad, path: bad.path ? `${field.name}.${bad.path}` : field.name };
  }
  return undefined;
}

function unsafeType(t: WinType, policy: SafetyPolicy, seen: Set<string>): { path: string; what: string; flexible?: true } | undefined {
  switch (t.kind) {
    case 'pointer':
      return { path: '', what: 'is a pointer' };
    case 'int':
      return t.pointerSized ? { path: '', what: `is a pointer-sized integer (${t.name})` } : undefined;
    case 'handle':
      return policy.validatedHandles.has(t.name) ? undefined : { path: '', what: `is a ${t.name}, an unvalidated handle` };
    case 'array':
      return unsafeType(t.of, policy, seen);
    case 'record':
      return unsafeMember(t.record, policy, seen);
    default:
      return undefined;
  }
}
