/**
 * Applies the selection's overrides (corrections of what the metadata says)
 * and conventions (what it does not say) to the imported function specs. Each
 * one must match a function and its parameters; an override must change
 * something and a convention may only fill a silence, so a metadata update
 * that fixes or changes a fact shows up as an error instead of being masked.
 */
import { SpecError, formatPlace, type Place } from '../errors.js';
import type { FunctionChange, ParamChange, Selection } from './win32-selection.js';
import type { Failure, SpecFunction } from './win32-spec-types.js';
import type { Win32Specs } from './win32-specs.js';
import { selectsTarget } from './selectors.js';
import type { Target } from './targets.js';
import type { Refusal } from './win32-refusal.js';

/** What the binding does with a parameter beyond its type (from conventions). */
export interface ParamBinding {
  fixed?: number;
  flags?: { allowed?: string[]; required?: string[]; forbidden?: string[] };
  values?: string[];
  mapping?: 'release' | 'use';
  range?: true;
  place: Place;
}

export interface CuratedFunction {
  spec: SpecFunction;
  /** Imported with its DLL (not named in select): what cannot be bound safely is refused, not an error. */
  auto: boolean;
  dll: string;
  place: Place;
  failure: Failure;
  /** The metadata names no failure rule (it only sets the last error): `failure` is none, the result unchecked. */
  failureUnstated?: true;
  clearLastError: boolean;
  result?: string;
  notAnError: { names: string[]; place: Place } | undefined;
  returnsMapping?: { length: string; release: string; place: Place };
  bindings: Map<string, ParamBinding>;
  /** Documentation lines: the failure rule, each override and convention with its reason and place. */
  notes: string[];
}

const OVERRIDE_FUNCTION_KEYS = new Set(['reason', 'failure', 'callingConvention', 'params']);
const CONVENTION_FUNCTION_KEYS = new Set(['reason', 'failure', 'clearLastError', 'result', 'notAnError', 'returns', 'params']);
const OVERRIDE_PARAM_KEYS = new Set(['type', 'attrs', 'bytesParam', 'countParam']);
const CONVENTION_PARAM_KEYS = new Set(['bytesParam', 'countParam', 'fixed', 'flags', 'values', 'mapping', 'range']);

function sameFailure(a: Failure | undefined, b: Failure | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every function of every DLL file, with the overrides and conventions applied; those not on
 * `target` left out. A function that came in with its DLL and whose failure rule nobody knows
 * goes to `refused`.
 */
export function curateFunctions(specs: Win32Specs, target: Target, refused: Refusal[]): CuratedFunction[] {
  const sel = specs.selection;
  const selected = new Set(Array.isArray(sel.data.select) ? sel.data.select : []);
  const all = specs.functions.flatMap((file) =>
    file.data.functions.map((spec, i) => ({ spec, dll: file.data.dll, place: file.at(['functions', i]) })),
  );
  checkMatches(sel, all.map((f) => f.spec));
  const out: CuratedFunction[] = [];
  for (const { spec: original, dll, place } of all) {
    if (!selectsTarget(original.architectures, target)) continue;
    const spec: SpecFunction = { ...original, params: original.params.map((p) => ({ ...p, attrs: [...p.attrs] })) };
    const notes: string[] = [];
    let failure = spec.failure?.kind;
    let failureNote = spec.failure ? `failure: ${describeFailure(spec.failure.kind)} (metadata: ${spec.failure.rule})` : '';
    const override = sel.data.overrides?.[spec.name];
    if (override) {
      const at = (...p: (string | number)[]) => sel.at(['overrides', spec.name, ...p]);
      notes.push(`Override (${formatPlace(at())}): ${override.reason}`);
      if (override.failure !== undefined) {
        failure = override.failure;
        failureNote = `failure: ${describeFailure(override.failure)} (override)`;
      }
      if (override.callingConvention) spec.callingConvention = override.callingConvention;
      for (const [name, change] of Object.entries(override.params ?? {})) {
        const p = spec.params.find((x) => x.name === name)!;
        if (change.type !== undefined) p.type = change.type;
        if (change.attrs !== undefined) p.attrs = [...change.attrs];
        if (change.bytesParam !== undefined) p.bytesParam = change.bytesParam;
        if (change.countParam !== undefined) p.countParam = change.countParam;
      }
    }
    const convention = sel.data.conventions?.[spec.name];
    const bindings = new Map<string, ParamBinding>();
    let clearLastError = false;
    let result: string | undefined;
    let notAnError: CuratedFunction['notAnError'];
    let returnsMapping: CuratedFunction['returnsMapping'];
    if (convention) {
      const at = (...p: (string | number)[]) => sel.at(['conventions', spec.name, ...p]);
      notes.push(`Convention (${formatPlace(at())}): ${convention.reason}`);
      if (convention.failure !== undefined) {
        failure = convention.failure;
        failureNote = `failure: ${describeFailure(convention.failure)} (convention)`;
      }
      clearLastError = convention.clearLastError ?? false;
      result = convention.result;
      if (convention.notAnError) notAnError = { names: convention.notAnError, place: at('notAnError') };
      if (convention.returns) returnsMapping = { ...convention.returns.mapping, place: at('returns') };
      for (const [name, change] of Object.entries(convention.params ?? {})) {
        const p = spec.params.find((x) => x.name === name)!;
        if (change.bytesParam !== undefined) p.bytesParam = change.bytesParam;
        if (change.countParam !== undefined) p.countParam = change.countParam;
        const { fixed, flags, values, mapping, range } = change;
        if ([fixed, flags, values, mapping, range].some((x) => x !== undefined)) {
          bindings.set(name, { fixed, flags, values, mapping, range, place: at('params', name) });
        }
      }
    }
    const auto = sel.data.select !== 'all' && !selected.has(spec.name);
    let failureUnstated = false;
    if (failure === undefined) {
      const reason = `the metadata does not say how it reports failure (it sets the last error and returns ${spec.returns})`;
      if (!auto) throw new SpecError(`${spec.name}: ${reason}; add a failure convention under conventions in ${sel.file}`, place);
      // Bound all the same, as windows-bindgen does: the caller gets the result as it is and the
      // last error read right after the call, and decides by the function's documentation.
      failure = 'none';
      failureUnstated = true;
      failureNote = `failure: not stated by the metadata (it sets the last error and returns ${spec.returns}): the result is returned unchecked, and lastError() holds GetLastError() as read right after the call`;
    }
    renameReserved(spec, bindings);
    out.push({
      spec, auto, dll, place, failure, clearLastError, result, notAnError, returnsMapping, bindings,
      ...(failureUnstated ? { failureUnstated: true as const } : {}),
      notes: [failureNote, ...notes],
    });
  }
  return out;
}

/**
 * Names a parameter cannot have in the generated TypeScript: JavaScript's reserved words (the
 * metadata has a parameter named `function`) and the wrapper's own identifiers (its result `r`,
 * the native module, the runtime helpers it imports).
 */
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval ' +
    'r e native win32Error ntStatusError hresultError structBytes intCell handleArray Bytes').split(' '),
);

/** Renames a parameter whose name the generated TypeScript cannot use to `<name>_`, and every reference to it. */
function renameReserved(spec: SpecFunction, bindings: Map<string, ParamBinding>): void {
  const renamed = new Map(spec.params.filter((p) => RESERVED.has(p.name)).map((p) => [p.name, `${p.name}_`]));
  if (renamed.size === 0) return;
  const to = (n: string | undefined) => (n === undefined ? undefined : (renamed.get(n) ?? n));
  for (const p of spec.params) {
    p.name = to(p.name)!;
    if (p.bytesParam !== undefined) p.bytesParam = to(p.bytesParam);
    if (p.countParam !== undefined) p.countParam = to(p.countParam);
  }
  for (const [from, name] of renamed) {
    const b = bindings.get(from);
    if (b) {
      bindings.delete(from);
      bindings.set(name, b);
    }
  }
}

export function describeFailure(f: Failure): string {
  if (typeof f === 'object') return `returns ${f.equals} on failure`;
  const words: Record<string, string> = {
    none: 'cannot fail',
    false: 'returns FALSE on failure (GetLastError says why)',
    null: 'returns NULL on failure (GetLastError says why)',
    'invalid-handle': 'returns INVALID_HANDLE_VALUE on failure (GetLastError says why)',
    zero: 'returns 0 on failure (GetLastError says why)',
    'error-code': 'returns a Win32 error code (0 is success)',
    ntstatus: 'returns an NTSTATUS (negative is failure)',
    hresult: 'returns an HRESULT (negative is failure)',
  };
  return words[f]!;
}

/** Every override and convention names a function and parameters that exist, and does what its section allows. */
function checkMatches(sel: Selection, functions: SpecFunction[]): void {
  const byName = new Map<string, SpecFunction[]>();
  for (const f of functions) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  for (const section of ['overrides', 'conventions'] as const) {
    for (const [name, change] of Object.entries(sel.data[section] ?? {})) {
      const at = (...p: (string | number)[]) => sel.at([section, name, ...p]);
      const variants = byName.get(name);
      if (!variants) throw new SpecError(`${section}: '${name}' matches no imported function`, at());
      checkFunctionChange(section, name, change, variants, at);
    }
  }
}

function checkFunctionChange(
  section: 'overrides' | 'conventions',
  name: string,
  change: FunctionChange,
  variants: SpecFunction[],
  at: (...p: (string | number)[]) => Place,
): void {
  const allowed = section === 'overrides' ? OVERRIDE_FUNCTION_KEYS : CONVENTION_FUNCTION_KEYS;
  for (const key of Object.keys(change)) {
    if (!allowed.has(key)) {
      const other = section === 'overrides' ? 'conventions' : 'overrides';
      throw new SpecError(`${name}: '${key}' does not belong under ${section}: put it under ${other}`, at(key));
    }
  }
  for (const v of variants) {
    if (change.failure !== undefined) {
      if (section === 'conventions' && v.failure !== null) {
        throw new SpecError(`${name}: the metadata already implies failure '${JSON.stringify(v.failure.kind)}' (${v.failure.rule}); correct it under overrides`, at('failure'));
      }
      if (section === 'overrides' && sameFailure(v.failure?.kind, change.failure)) throw new SpecError(`${name}: the override's failure is what the metadata already implies`, at('failure'));
    }
    if (change.callingConvention !== undefined && change.callingConvention === v.callingConvention) {
      throw new SpecError(`${name}: the metadata already says ${v.callingConvention}`, at('callingConvention'));
    }
    if (change.result !== undefined && !v.params.some((x) => x.name === change.result)) {
      throw new SpecError(`${name}: result '${change.result}' is not a parameter`, at('result'));
    }
    if (change.returns && !v.params.some((x) => x.name === change.returns!.mapping.length)) {
      throw new SpecError(`${name}: the mapping length '${change.returns.mapping.length}' is not a parameter`, at('returns'));
    }
    for (const [param, pc] of Object.entries(change.params ?? {})) {
      const p = v.params.find((x) => x.name === param);
      if (!p) throw new SpecError(`${section}: ${name} has no parameter '${param}'`, at('params', param));
      checkParamChange(section, name, param, pc, p, v, at);
    }
  }
}

function checkParamChange(
  section: 'overrides' | 'conventions',
  name: string,
  param: string,
  change: ParamChange,
  p: SpecFunction['params'][number],
  fn: SpecFunction,
  at: (...p: (string | number)[]) => Place,
): void {
  const allowed = section === 'overrides' ? OVERRIDE_PARAM_KEYS : CONVENTION_PARAM_KEYS;
  for (const key of Object.keys(change) as (keyof ParamChange)[]) {
    if (!allowed.has(key)) {
      const other = section === 'overrides' ? 'conventions' : 'overrides';
      throw new SpecError(`${name}.${param}: '${key}' does not belong under ${section}: put it under ${other}`, at('params', param, key));
    }
    const value = change[key];
    const current = (p as unknown as Record<string, unknown>)[key];
    if (section === 'overrides' && JSON.stringify(value) === JSON.stringify(current)) {
      throw new SpecError(`${name}.${param}: the override's ${key} is what the metadata already says`, at('params', param, key));
    }
    if (section === 'conventions' && (key === 'bytesParam' || key === 'countParam') && current !== undefined) {
      throw new SpecError(`${name}.${param}: the metadata already gives ${key} '${String(current)}'; correct it under overrides`, at('params', param, key));
    }
    if ((key === 'bytesParam' || key === 'countParam') && !fn.params.some((x) => x.name === value)) {
      throw new SpecError(`${name}.${param}: ${key} '${String(value)}' is not a parameter`, at('params', param, key));
    }
  }
}
