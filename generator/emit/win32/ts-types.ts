/**
 * TypeScript for the Win32 types that are not records: handle brands, enum and
 * integer typedef aliases, every constant (enum values first, by enum), and
 * the TypeScript type of any resolved metadata type, for parameters, results
 * and fields alike.
 */
import type { Win32Constant, Win32TargetModel, WinType } from '../../model/win32.js';
import { isNativeName } from '../../spec/win32-spec-types.js';
import { doc, str } from '../ts-text.js';

/** Enums with more distinct values than this are plain `number` aliases (WIN32_ERROR has 3,000). */
const MAX_LITERAL_UNION = 256;

/** A TypeScript literal for a constant's value. */
export function literal(v: number | bigint | string): string {
  if (typeof v === 'string') return str(v);
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

/**
 * The TypeScript type of a metadata type. `in`: what a caller may pass (64-bit
 * integers also as safe numbers); `out`: what comes back (64-bit and
 * pointer-sized integers are bigints).
 */
export function tsType(t: WinType, dir: 'in' | 'out', aliases: ReadonlySet<string>): string {
  switch (t.kind) {
    case 'int': {
      if (t.int.bits === 64 || t.pointerSized) return dir === 'in' ? 'number | bigint' : 'bigint';
      const name = t.enumName ?? t.name;
      return aliases.has(name) ? name : 'number';
    }
    case 'bool':
      return 'boolean';
    case 'handle':
      return t.name;
    case 'float':
      return 'number';
    case 'record':
      return t.record.name;
    default:
      return 'never';
  }
}

/** The integer typedefs (NTSTATUS, …) the model uses: name → 64-bit or not. */
function intTypedefs(model: Win32TargetModel): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const enums = new Set(model.enums.map((e) => e.name));
  const visit = (t: WinType) => {
    if (t.kind === 'int' && !t.pointerSized && t.enumName === undefined && !enums.has(t.name) && !isNativeName(t.name)) {
      out.set(t.name, t.int.bits === 64);
    }
    if (t.kind === 'pointer') visit(t.to);
    if (t.kind === 'array') visit(t.of);
  };
  for (const f of model.functions) {
    for (const p of f.params) visit(p.type);
    if (f.returns.kind === 'int') visit(f.returns.type);
  }
  for (const r of model.records) for (const f of r.fields) visit(f.type);
  return out;
}

/** The alias names types.ts declares (what tsType may refer to). */
export function aliasNames(model: Win32TargetModel): Set<string> {
  return new Set([...model.enums.map((e) => e.name), ...intTypedefs(model).keys(), ...model.handles.map((h) => h.name)]);
}

export function typesFile(model: Win32TargetModel): string {
  const out: string[] = [];
  for (const h of model.handles) {
    const invalid = h.invalid !== undefined ? ` The metadata names ${h.invalid} as its invalid value.` : '';
    // The brand lists every type the value is, so an HBITMAP goes where an HGDIOBJ is taken, not the reverse.
    const usable = h.usableAs ?? [];
    const also = usable.length > 0 ? ` Also usable as ${usable.join(', ')} (the metadata's AlsoUsableFor).` : '';
    const brand = [h.name, ...usable].map((n) => `readonly ${n}: true`).join('; ');
    out.push(doc([`${h.name}: a handle, as a branded bigint (the pointer-sized value, signed).${invalid}${also}`]), `export type ${h.name} = bigint & { readonly __handle: { ${brand} } };`);
  }
  for (const [name, wide] of intTypedefs(model)) out.push(doc([`${name}: an integer typedef.`]), `export type ${name} = ${wide ? 'bigint' : 'number'};`);
  const byEnum = new Map<string, Win32Constant[]>();
  const others: Win32Constant[] = [];
  for (const c of model.constants) {
    if (c.enumName !== undefined) byEnum.set(c.enumName, [...(byEnum.get(c.enumName) ?? []), c]);
    else others.push(c);
  }
  for (const e of model.enums) {
    const own = byEnum.get(e.name) ?? [];
    const kind = e.flags ? 'flags: combine them with |' : 'one of these values';
    out.push('', `// ---- ${e.name}: ${kind} ----`);
    for (const c of own) out.push(`export const ${c.name} = ${literal(c.value)};`);
    const distinct = new Map<string, string>();
    for (const v of e.values) if (!distinct.has(String(v.value))) distinct.set(String(v.value), v.name);
    const wide = e.int.bits === 64;
    const union = !e.flags && distinct.size > 0 && distinct.size <= MAX_LITERAL_UNION;
    const type = union ? [...distinct.values()].map((n) => `typeof ${n}`).join(' | ') : wide ? 'bigint' : 'number';
    out.push(doc([`${e.name}${e.flags ? ' (flags)' : ''}: ${e.values.length} values.`]), `export type ${e.name} = ${type};`);
  }
  out.push('', '// ---- other constants ----');
  const handles = new Set(model.handles.map((h) => h.name));
  for (const c of others) {
    const cast = c.typeName !== undefined && handles.has(c.typeName) ? ` as ${c.typeName}` : '';
    out.push(`export const ${c.name} = ${literal(c.value)}${cast};`);
  }
  return out.join('\n');
}
