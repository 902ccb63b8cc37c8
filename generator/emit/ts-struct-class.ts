/**
 * One TypeScript struct class, the same shape on both platforms: size and
 * alignment, a constructor over fresh or given bytes, a getter (and a checked
 * setter) per field at the offset the model's layout gives, toJSON and of().
 * The platforms' struct writers (ts-structs.ts, win32/ts-structs.ts) supply the
 * field accessors.
 */
import { doc } from './ts-text.js';

export interface Accessor {
  tsType: string;
  get: string;
  set?: string;
  /** Accepted type of the setter when wider than the getter's. */
  setType?: string;
}

export interface StructClass {
  name: string;
  /** The class's doc comment lines. */
  doc: string[];
  size: number;
  align: number;
  /** A field the constructor presets to the size (Win32's cbSize, dwOSVersionInfoSize). */
  sizeField?: string;
  fields: { name: string; doc: string; accessor: Accessor }[];
  /** The body of sealPointers(fn, arg), for records whose pointer fields hold a caller's buffers. */
  seal?: string[];
}

/** The DataView method suffix for a scalar: Int32, BigUint64, Float64, … */
export function dataViewMethod(bits: number, signed: boolean, float = false): string {
  if (float) return bits === 32 ? 'Float32' : 'Float64';
  if (bits === 64) return signed ? 'BigInt64' : 'BigUint64';
  return `${signed ? 'Int' : 'Uint'}${bits}`;
}

export function structClass(c: StructClass): string[] {
  const preset = c.sizeField ? ` with ${c.sizeField} set to its size` : '';
  const members: string[] = [
    `static readonly size = ${c.size};`,
    `static readonly alignment = ${c.align};`,
    '',
    doc([`A zeroed ${c.name}${preset}, or a view over \`bytes\` (at least \`size\` bytes; changes write through).`]),
    `constructor(bytes?: Uint8Array) {`,
    `  super(${c.size}, bytes);`,
    ...(c.sizeField ? [`  if (bytes === undefined) this.${c.sizeField} = ${c.size};`] : []),
    `}`,
  ];
  for (const { name, doc: text, accessor: acc } of c.fields) {
    members.push('', doc([text]), `get ${name}(): ${acc.tsType} {\n${acc.get}\n}`);
    if (acc.set) members.push(`set ${name}(v: ${acc.setType ?? acc.tsType}) {\n${acc.set}\n}`);
  }
  if (c.seal) {
    members.push('', doc(['Stores each kept buffer\'s address in its pointer field and checks its length field, just before a call.']), `override sealPointers(fn: string, arg: string): void {\n${c.seal.join('\n')}\n}`);
  }
  members.push(
    '',
    doc(['Every field as a plain object (for printing and tests).']),
    `toJSON(): Record<string, unknown> { return { ${c.fields.map((f) => `${f.name}: this.${f.name}`).join(', ')} }; }`,
    '',
    doc([`A new struct with the given fields set (the rest zero${c.sizeField ? ', the size field preset' : ''}).`]),
    `static of(fields: Partial<Omit<${c.name}, 'bytes' | 'toJSON'>>): ${c.name} { return Object.assign(new ${c.name}(), fields); }`,
  );
  return ['', doc(c.doc), `export class ${c.name} extends Struct {`, ...members, '}'];
}
