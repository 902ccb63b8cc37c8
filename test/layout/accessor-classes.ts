/**
 * Test helper: the struct classes the generator would emit for a set of
 * structs on one target, built from fieldAccessor's getter and setter code the
 * same way generator/emit/ts-api.ts assembles them (class per struct extending
 * the runtime's Struct), transpiled and evaluated in memory. Lets a test run
 * the accessors of any target, including ones that are never generated, on
 * bytes a real compiler produced.
 */
import ts from 'typescript';
import { argTypeError } from '../../generated/runtime/errors.js';
import * as runtime from '../../generated/runtime/struct.js';
import type { StructClass, Struct } from '../../generated/runtime/struct.js';
import { fieldAccessor } from '../../generator/emit/ts-structs.js';
import type { LinuxTargetModel } from '../../generator/spec/linux-model.js';

/** What the accessors need of a target model: no syscalls or constants. */
export type StructsModel = Pick<LinuxTargetModel, 'target' | 'abi' | 'structs' | 'layouts'>;

/** Stands in for the addon: the address a buffer pointer field stores. */
export interface FakeNative {
  addressOf(buffer: Uint8Array): bigint;
}

export type AccessorClass = StructClass<Struct> & { prototype: Record<string, unknown> };

export function accessorClasses(model: StructsModel, native: FakeNative): Map<string, AccessorClass> {
  const full = model as LinuxTargetModel;
  const source = model.structs.map((s) => {
    const layout = model.layouts.get(s.name)!;
    const members = layout.fields.flatMap((f) => {
      const acc = fieldAccessor(full, s, f);
      if (!acc) return [];
      return [`get ${f.name}(): ${acc.tsType} {\n${acc.get}\n}`, ...(acc.set ? [`set ${f.name}(v: ${acc.setType ?? acc.tsType}) {\n${acc.set}\n}`] : [])];
    });
    return [
      `class ${s.tsName} extends Struct {`,
      `static readonly size = ${layout.size};`,
      `static readonly alignment = ${layout.align};`,
      `constructor(bytes?: Uint8Array) { super(${layout.size}, bytes); }`,
      ...members,
      '}',
    ].join('\n');
  });
  const names = model.structs.map((s) => s.tsName);
  const js = ts.transpileModule(`${source.join('\n')}\nreturn { ${names.join(', ')} };`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
    reportDiagnostics: false,
  }).outputText;
  const scope = { ...runtime, argTypeError, native };
  const build = new Function(...Object.keys(scope), js) as (...values: unknown[]) => Record<string, AccessorClass>;
  const classes = build(...Object.values(scope));
  return new Map(model.structs.map((s) => [s.name, classes[s.tsName]!]));
}
