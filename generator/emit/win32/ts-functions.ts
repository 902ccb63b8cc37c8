/**
 * Plans the TypeScript wrapper of one Win32 function: its public parameters
 * (with defaults: lengths from their buffers, NULL for optional pointers, fresh
 * struct views for out-structs), the marshalling before the native call, the
 * failure check its convention calls for (throwing Win32Error or
 * NtStatusError with the code read right after the call), and what it
 * returns: the result, or for functions that only report success, their
 * out-parameters.
 */
import { EmitError } from '../../errors.js';
import { jsParams, type Win32Callback, type Win32Function, type Win32Param, type Win32TargetModel, type WinType } from '../../model/win32.js';
import type { IntInfo } from '../../model/syscall.js';
import { intCellArray, type CallPlan, type TsParam } from '../ts-plan.js';
import { str } from '../ts-text.js';
import { tsType } from './ts-types.js';

/** The TypeScript type of a synchronous callback: what JavaScript gets (the user-data value stays with the binding), and what it returns. */
function callbackType(cb: Win32Callback, aliases: ReadonlySet<string>): string {
  const params = cb.params.filter((q) => q.as !== 'context').map((q) => `${q.name}: ${q.as === 'string' ? 'string' : tsType(q.type, 'out', aliases)}`);
  return `(${params.join(', ')}) => ${cb.returns.kind === 'bool' ? 'boolean' : 'number | boolean'}`;
}

/** The typed array holding one integer (or handle) cell. */
function cellArray(t: WinType, ptrBits: number): string {
  if (t.kind === 'handle') return ptrBits === 64 ? 'BigInt64Array' : 'Int32Array';
  if (t.kind !== 'int' && t.kind !== 'bool') throw new EmitError(`a ${t.kind} cannot be a cell`);
  const bits = t.kind === 'int' && t.pointerSized ? ptrBits : t.int.bits;
  return intCellArray({ bits: bits as IntInfo['bits'], signed: t.int.signed });
}

/** A cell's value as the wrapper returns it (typed as `type`). */
function cellValue(cell: string, t: WinType, ptrBits: number, type: string): string {
  if (t.kind === 'handle') return ptrBits === 64 ? `${cell}[0]! as ${t.name}` : `BigInt(${cell}[0]!) as ${t.name}`;
  if (t.kind === 'bool') return `${cell}[0]! !== 0`;
  if (t.kind === 'int' && t.pointerSized && ptrBits === 32) return `BigInt(${cell}[0]!)`;
  return ['number', 'bigint'].includes(type) ? `${cell}[0]!` : `${cell}[0]! as ${type}`;
}

function nativeReturnOf(f: Win32Function): string {
  const r = f.returns;
  switch (r.kind) {
    case 'void':
      return 'undefined';
    case 'bool':
      return 'boolean';
    case 'handle':
      return 'bigint';
    case 'float':
      return 'number';
    case 'int':
      return r.type.int.bits === 64 || r.type.pointerSized ? 'bigint' : 'number';
    case 'mapping':
      return 'ArrayBuffer | null';
  }
}

export function planWrapper(f: Win32Function, model: Win32TargetModel, aliases: ReadonlySet<string>): CallPlan {
  const ptrBits = model.abi.dataModel === 'ILP32' ? 32 : 64;
  const fn = str(f.name);
  const params: TsParam[] = [];
  const prelude: string[] = [];
  const nativeArgs: string[] = [];
  const nativeTypes: { name: string; type: string }[] = [];
  const outs: { name: string; type: string; value: string }[] = [];
  const byName = new Map(f.params.map((p) => [p.name, p]));
  const statusOnly = ['none', 'false', 'error-code', 'ntstatus', 'hresult'].includes(String(f.failure)) && (f.returns.kind === 'void' || f.failure !== 'none');
  const returned = (p: Win32Param) => f.result === p.name || (f.result === undefined && statusOnly);
  const isJs = new Set(jsParams(f));

  /** How many elements (in the length's unit) a buffer-like parameter holds, for a default length. */
  const capacity = (owner: Win32Param): string => {
    const k = owner.kind;
    const name = owner.name;
    if (k.kind === 'buffer') return k.elemSize === 2 ? `${name}?.length ?? 0` : k.elemSize === 1 ? `${name}?.byteLength ?? 0` : `Math.floor((${name}?.byteLength ?? 0) / ${k.elemSize})`;
    if (k.kind === 'array' || k.kind === 'records') return `${name}?.length ?? 0`;
    if (k.kind === 'range' || k.kind === 'mapping') return `${name}?.byteLength ?? 0`;
    throw new EmitError(`${f.name}: ${name} has no length to default from`, f.place);
  };

  for (const p of f.params) {
    if (!isJs.has(p)) continue;
    const k = p.kind;
    const q = str(p.name);
    const add = (type: string, fallback: string | undefined, nativeType: string, arg = p.name) => {
      params.push({ name: p.name, type, ...(fallback !== undefined ? { fallback } : {}) });
      nativeArgs.push(arg);
      nativeTypes.push({ name: p.name, type: nativeType });
    };
    switch (k.kind) {
      case 'int': {
        // An integer the selection allows one value for defaults to it (VirtualFree's MEM_RELEASE).
        const only = k.values?.values.length === 1 ? String(k.values.values[0]) : undefined;
        add(tsType(k.type, 'in', aliases), only ?? (k.optional ? '0' : undefined), 'number | bigint');
        break;
      }
      case 'float':
        add('number', undefined, 'number');
        break;
      case 'bool':
        add('boolean', undefined, 'boolean | number');
        break;
      case 'handle':
        add(k.optional ? `${k.type.name} | null` : k.type.name, k.optional ? 'null' : undefined, 'bigint | null');
        break;
      case 'string':
        add(k.optional ? 'string | null' : 'string', k.optional ? 'null' : undefined, 'string | null');
        break;
      case 'buffer': {
        const base = k.elemSize === 2 ? 'Uint16Array' : 'Bytes';
        add(k.optional ? `${base} | null` : base, k.optional ? 'null' : undefined, 'Bytes | null');
        break;
      }
      case 'records': {
        const type = `StructArray<${k.record.name}>`;
        params.push({ name: p.name, type: k.optional ? `${type} | null` : type, ...(k.optional ? { fallback: 'null' } : {}) });
        nativeArgs.push(`arrayBytes(${p.name}, ${k.record.name}, ${fn}, ${q}, ${k.optional})`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      }
      case 'range':
        add(k.optional ? 'Bytes | null' : 'Bytes', k.optional ? 'null' : undefined, 'Bytes | null');
        break;
      case 'mapping':
        add('Uint8Array | ArrayBuffer', undefined, 'Bytes');
        break;
      case 'array': {
        const type = `readonly ${k.elem.name}[]`;
        params.push({ name: p.name, type: k.optional ? `${type} | null` : type, ...(k.optional ? { fallback: 'null' } : {}) });
        nativeArgs.push(`handleArray(${p.name}, ${fn}, ${q}, ${ptrBits}, ${k.optional})`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      }
      case 'struct': {
        const cls = k.record.name;
        // An out-struct the wrapper returns is made when left out; an optional in/out one (an
        // OVERLAPPED) stays NULL unless given, since passing one changes what the call does.
        const fresh = !k.byValue && returned(p) && (k.dir === 'out' || (k.dir === 'inout' && !k.optional));
        const nullable = k.optional && !fresh;
        params.push({ name: p.name, type: nullable ? `${cls} | null` : cls, ...(fresh ? { fallback: `new ${cls}()` } : nullable ? { fallback: 'null' } : {}) });
        nativeArgs.push(`structBytes(${p.name}, ${cls}, ${fn}, ${q}, ${nullable})`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        if (fresh) outs.push({ name: p.name, type: cls, value: p.name });
        break;
      }
      case 'cell': {
        const cell = `${p.name}Cell`;
        const array = cellArray(k.elem, ptrBits);
        if (k.dir === 'inout') {
          const e = k.elem;
          if (e.kind !== 'int' || e.int.bits === 64 || e.pointerSized) throw new EmitError(`${f.name}.${p.name}: in/out ${e.kind} cells are not bound yet`, f.place);
          params.push({ name: p.name, type: tsType(e, 'in', aliases), fallback: '0' });
          prelude.push(`const ${cell} = intCell(${p.name}, ${fn}, ${q}, ${e.int.bits}, ${e.int.signed});`);
        } else prelude.push(`const ${cell} = new ${array}(1);`);
        nativeArgs.push(cell);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        const type = tsType(k.elem, 'out', aliases);
        outs.push({ name: p.name, type, value: cellValue(cell, k.elem, ptrBits, type) });
        break;
      }
      case 'lengthCell': {
        const cell = `${p.name}Cell`;
        const wide = k.elem.int.bits === 64 || (k.elem.pointerSized === true && ptrBits === 64);
        const cap = capacity(byName.get(k.of)!);
        prelude.push(`const ${cell} = ${cellArray(k.elem, ptrBits)}.of(${wide ? `BigInt(${cap})` : cap});`);
        nativeArgs.push(cell);
        nativeTypes.push({ name: p.name, type: 'Bytes' });
        const type = tsType(k.elem, 'out', aliases);
        outs.push({ name: p.name, type, value: cellValue(cell, k.elem, ptrBits, type) });
        break;
      }
      case 'length': {
        // After its buffer (ReadFile's nNumberOfBytesToRead) a size may be given, smaller than the
        // buffer; an array's count, or a size before its buffer, is always the whole of it.
        const owner = byName.get(k.of)!;
        if (k.also) {
          // One count of several arrays: by default what all the given ones hold (one left null counts nothing).
          const caps = [owner, ...k.also.map((n) => byName.get(n)!)].map((o) => `${o.name} == null ? Infinity : ${capacity(o)}`);
          add(tsType(k.type, 'in', aliases), `((n) => (n === Infinity ? 0 : n))(Math.min(${caps.join(', ')}))`, 'number | bigint');
        } else if (owner.kind.kind === 'array' || f.params.indexOf(owner) > f.params.indexOf(p)) {
          nativeArgs.push(capacity(owner));
          nativeTypes.push({ name: p.name, type: 'number | bigint' });
        } else add(tsType(k.type, 'in', aliases), capacity(owner), 'number | bigint');
        break;
      }
      case 'callback':
        add(callbackType(k.callback, aliases), undefined, '(...args: never[]) => unknown');
        break;
      case 'fixed':
      case 'sizeof':
        break;
      default: {
        const never: never = k;
        throw new EmitError(`unhandled parameter kind ${JSON.stringify(never)}`);
      }
    }
  }
  // Parameters the caller may leave out are optional only at the end of the list.

  const nativeReturn = nativeReturnOf(f);
  const epilogue = [...failureCheck(f, nativeReturn)];
  let returnType: string;
  const benign = f.notAnError.length > 0;
  if (f.result !== undefined || statusOnly) {
    const chosen = f.result !== undefined ? outs.filter((o) => o.name === f.result) : outs;
    if (chosen.length === 0) {
      returnType = benign ? 'boolean' : 'void';
      if (benign) epilogue.push('return true;');
    } else if (chosen.length === 1) {
      returnType = chosen[0]!.type;
      epilogue.push(`return ${chosen[0]!.value};`);
    } else {
      returnType = `{ ${chosen.map((o) => `${o.name}: ${o.type}`).join('; ')} }`;
      epilogue.push(`return { ${chosen.map((o) => `${o.name}: ${o.value}`).join(', ')} };`);
    }
    if (benign && chosen.length > 0) returnType += ' | null';
  } else {
    const r = f.returns;
    let value: string | undefined;
    switch (r.kind) {
      case 'handle':
        returnType = r.type.name;
        value = `r as ${r.type.name}`;
        break;
      case 'mapping':
        returnType = 'Uint8Array';
        value = 'new Uint8Array(r!)';
        break;
      case 'int':
      case 'bool':
      case 'float':
        returnType = tsType(r.type, 'out', aliases);
        value = ['number', 'bigint', 'boolean'].includes(returnType) ? 'r' : `r as ${returnType}`;
        break;
      case 'void':
        returnType = 'void';
        break;
    }
    // A value and filled cells (no result convention chose one): all of them, the value as `result`.
    const cells = outs.filter((o) => byName.get(o.name)!.kind.kind !== 'struct');
    if (cells.length > 0) {
      const all = [...(value !== undefined ? [{ name: 'result', type: returnType, value }] : []), ...cells];
      returnType = `{ ${all.map((o) => `${o.name}: ${o.type}`).join('; ')} }`;
      value = `{ ${all.map((o) => `${o.name}: ${o.value}`).join(', ')} }`;
    }
    if (value !== undefined) epilogue.push(`return ${value};`);
  }
  return { params, prelude, nativeArgs, nativeTypes, nativeReturn, epilogue, returnType };
}

/** `if (<failed>) throw …;` for the function's failure convention (none for `none`). */
function failureCheck(f: Win32Function, nativeReturn: string): string[] {
  const fn = str(f.name);
  const paths = f.params.filter((p) => p.kind.kind === 'string' && p.kind.path).map((p) => p.name);
  const pathArgs = paths.length > 0 ? `, ${paths.slice(0, 2).join(', ')}` : '';
  const zero = nativeReturn === 'bigint' ? '0n' : '0';
  const benign = (code: string) => (f.notAnError.length > 0 ? [`if (${f.notAnError.map((e) => `${code} === ${e.value}`).join(' || ')}) return ${f.returns.kind === 'bool' && f.result === undefined && !hasOuts(f) ? 'false' : 'null'};`] : []);
  const lastErrorThrow = (test: string) => [
    `if (${test}) {`,
    `  const e = native.lastError();`,
    ...benign('e').map((l) => `  ${l}`),
    `  throw win32Error(e, ${fn}${pathArgs});`,
    `}`,
  ];
  const failure = f.failure;
  if (typeof failure === 'object') return lastErrorThrow(`r === ${nativeReturn === 'bigint' ? `${failure.equals}n` : failure.equals}`);
  switch (failure) {
    case 'none':
      return [];
    case 'false':
      return lastErrorThrow('!r');
    case 'null':
      return lastErrorThrow(f.returns.kind === 'mapping' ? 'r === null' : 'r === 0n');
    case 'invalid-handle':
      return lastErrorThrow('r === -1n');
    case 'zero':
      return lastErrorThrow(f.invoke.clearLastError ? `r === ${zero} && native.lastError() !== 0` : `r === ${zero}`);
    case 'error-code':
      return [...benign('r'), `if (r !== 0) throw win32Error(r, ${fn}${pathArgs});`];
    case 'ntstatus':
      return [`if (r < 0) throw ntStatusError(r, ${fn});`];
    case 'hresult':
      return [`if (r < 0) throw hresultError(r, ${fn}${pathArgs});`];
  }
}

function hasOuts(f: Win32Function): boolean {
  return f.params.some((p) => p.kind.kind === 'cell' || p.kind.kind === 'lengthCell' || (p.kind.kind === 'struct' && p.kind.dir !== 'in' && !p.kind.byValue));
}
