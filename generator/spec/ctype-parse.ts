/**
 * Parses the C type strings used in specs ("unsigned long", "char[65]",
 * "struct timespec", "const char *", "__u64[12]", "char[]") and resolves them
 * to the CType model for one target, expanding typedefs.
 */
import { PRIM_NAMES, type CType, type PrimName, type RecordDecl } from '../model/ctype.js';

export interface TypeScope {
  /** Typedef name → C type string (already chosen for the target). */
  typedef(name: string): string | undefined;
  /** Record by tag, resolved for the target; undefined when unknown. */
  record(tag: string): RecordDecl | undefined;
}

/** A type string that could not be understood; the caller adds file and line. */
export class TypeParseError extends Error {}

/** Canonical spellings of multi-word primitive names. */
const PRIM_ALIASES: Record<string, PrimName> = {
  'signed': 'int',
  'unsigned': 'unsigned int',
  'signed int': 'int',
  'short int': 'short',
  'signed short': 'short',
  'unsigned short int': 'unsigned short',
  'long int': 'long',
  'signed long': 'long',
  'unsigned long int': 'unsigned long',
  'long long int': 'long long',
  'signed long long': 'long long',
  'unsigned long long int': 'unsigned long long',
  'bool': '_Bool',
};

export interface ParsedType {
  /** Base without qualifiers, e.g. `unsigned long`, `struct stat`, `__u64`, `void`. */
  base: string;
  /** Number of `*`. */
  pointers: number;
  /** Array dimensions outermost first; null marks a flexible `[]`. */
  dims: (number | null)[];
  isConst: boolean;
}

export function parseTypeString(text: string): ParsedType {
  const m = /^\s*(.*?)\s*((?:\[\s*\d*\s*\]\s*)*)$/.exec(text);
  if (!m) throw new TypeParseError(`cannot parse type '${text}'`);
  let head = m[1]!;
  const dims = [...m[2]!.matchAll(/\[\s*(\d*)\s*\]/g)].map((d) => (d[1] === '' ? null : Number(d[1])));
  let pointers = 0;
  head = head.replace(/\*/g, () => {
    pointers++;
    return ' ';
  });
  const words = head.split(/\s+/).filter(Boolean);
  const isConst = words.includes('const');
  const rest = words.filter((w) => w !== 'const' && w !== 'volatile' && w !== '__user' && w !== 'restrict');
  if (rest.length === 0) throw new TypeParseError(`type '${text}' names no base type`);
  if (dims.some((d, i) => d === null && i > 0)) throw new TypeParseError(`only the outermost array dimension of '${text}' may be empty`);
  for (const w of rest) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) throw new TypeParseError(`'${w}' in type '${text}' is not a C identifier`);
  }
  return { base: rest.join(' '), pointers, dims, isConst };
}

export function primName(base: string): PrimName | undefined {
  if ((PRIM_NAMES as readonly string[]).includes(base)) return base as PrimName;
  return PRIM_ALIASES[base];
}

/** Resolves a type string to a CType for the scope's target. */
export function resolveType(text: string, scope: TypeScope, seen: string[] = [], behindPointer = false): CType {
  return resolveOrVoid(text, scope, seen, behindPointer) as CType;
}

/** As resolveType; behind a pointer an undeclared record or void typedef is fine (the pointer is opaque). */
function resolveOrVoid(text: string, scope: TypeScope, seen: string[], behindPointer: boolean): CType | 'void' {
  const p = parseTypeString(text);
  let t: CType | 'void';
  const tag = /^(struct|union) (\w+)$/.exec(p.base);
  if (p.base === 'void') {
    t = 'void';
  } else if (tag) {
    const decl = scope.record(tag[2]!);
    if (!decl) {
      if (p.pointers === 0 && !behindPointer) throw new TypeParseError(`unknown ${tag[1]} '${tag[2]}' in type '${text}'`);
      t = 'void'; // a pointer to an undeclared record is still just a pointer
    } else t = { kind: 'record', decl };
  } else if (/^enum \w+$/.test(p.base)) {
    t = { kind: 'enum', name: p.base.slice(5) };
  } else {
    const prim = primName(p.base);
    if (prim) t = { kind: 'prim', name: prim };
    else {
      const def = scope.typedef(p.base);
      if (def === undefined) throw new TypeParseError(`unknown type name '${p.base}' in type '${text}'`);
      if (seen.includes(p.base)) throw new TypeParseError(`typedef cycle: ${[...seen, p.base].join(' → ')}`);
      if (/\(\s*\*\s*\)/.test(def)) {
        t = { kind: 'pointer', to: 'function' }; // a function pointer typedef, e.g. void (*)(int)
      } else if (/^\s*(struct|union)\s*\{/.test(def)) {
        // An anonymous record typedef (sigset_t in the kernel): only usable behind a pointer here.
        if (p.pointers === 0 && !behindPointer) throw new TypeParseError(`'${p.base}' is a record type that has no struct spec; pass it by pointer`);
        t = 'void';
      } else t = resolveOrVoid(def, scope, [...seen, p.base], behindPointer || p.pointers > 0);
    }
  }
  for (let i = 0; i < p.pointers; i++) t = { kind: 'pointer', to: t };
  if (t === 'void') {
    if (behindPointer) return 'void';
    throw new TypeParseError(`'void' is not a value type (in '${text}')`);
  }
  for (let i = p.dims.length - 1; i >= 0; i--) t = { kind: 'array', of: t, length: p.dims[i]! };
  return t;
}
