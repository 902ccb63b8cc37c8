/**
 * The Windows view of binding.cc: how each JavaScript value becomes a C
 * argument of a function called through its DLL export, the checks between
 * arguments, what happens after the call, and the DLLs, pointer types and
 * release functions before the calls. Rendered by the one C++ writer
 * (cpp-binding.ts).
 */
import { EmitError, formatPlace } from '../../errors.js';
import { byValueRecords, jsParams, pointerType, type Win32Callback, type Win32Record, type Win32Function, type Win32Param, type Win32TargetModel, type WinType } from '../../model/win32.js';
import type { IntInfo } from '../../model/syscall.js';
import { intCType } from '../../spec/win32-functions.js';
import { intBounds, type ArgView } from '../cpp-args.js';
import { ArgChecks, archMacroCheck, emitCppBinding, type CallableView } from '../cpp-binding.js';


const dllVar = (module: string) => `dll_${module}`;


function functionView(f: Win32Function, model: Win32TargetModel): FunctionView {
  const js = jsParams(f);
  const vars = new Map(f.params.map((p, i) => [p.name, `a${i}`]));
  const v = (name: string) => vars.get(name)!;
  const param = (name: string) => f.params.find((p) => p.name === name)!;
  const args: ArgView[] = [];
  // Each argument's own checks first, then those between arguments (which may read a cell).
  const checks = new ArgChecks(f.name);
  const crossChecks = new ArgChecks(f.name);
  const callArgs: string[] = [];
  const after: string[] = [];
  const frames: string[] = [];

  for (const p of f.params) {
    const k = p.kind;
    const base = { index: js.indexOf(p), name: p.name, var: v(p.name) };
    const pointerArg = (nullable: boolean) => args.push({ ...base, partial: 'arg-pointer', nullable });
    switch (k.kind) {
      case 'int':
      case 'length': {
        args.push({ ...base, ...intBounds(k.type.int, k.type.flags ?? false) });
        callArgs.push(`(${p.cType})${base.var}`);
        if (k.kind === 'int' && k.flags) {
          const { allowed, required, forbidden, text } = k.flags;
          const hex = (x: bigint) => `0x${x.toString(16)}ULL`;
          const bad = [
            allowed !== undefined ? `(${base.var} & ~${hex(allowed)}) != 0` : '',
            required ? `(${base.var} & ${hex(required)}) != ${hex(required)}` : '',
            forbidden ? `(${base.var} & ${hex(forbidden)}) != 0` : '',
          ].filter(Boolean);
          checks.range(bad.join(' || '), p.name, text);
        }
        if (k.kind === 'int' && k.values) {
          checks.range(k.values.values.map((x) => `${base.var} != ${x}ULL`).join(' && '), p.name, k.values.text);
        }
        break;
      }
      case 'float':
        args.push({ ...base, partial: 'arg-double' });
        callArgs.push(`(${p.cType})${base.var}`);
        break;
      case 'bool':
        args.push({ ...base, partial: 'arg-bool' });
        callArgs.push(`(${p.cType})${base.var}`);
        break;
      case 'handle':
        args.push({ ...base, partial: 'arg-handle', nullable: k.optional });
        callArgs.push(`(void*)${base.var}`);
        break;
      case 'string':
        args.push({ ...base, partial: 'arg-wstring', nullable: k.optional });
        callArgs.push(`${base.var}.ptr()`);
        break;
      case 'buffer':
      case 'records':
      case 'range':
      case 'array': {
        pointerArg(k.optional);
        callArgs.push(base.var);
        const elemSize = k.kind === 'buffer' ? k.elemSize : k.kind === 'records' ? k.record.layout.size : k.kind === 'array' ? k.elem.int.bits / 8 : 1;
        const len = k.kind === 'buffer' || k.kind === 'records' ? (k.length ?? k.lengthCell) : k.length;
        const unit = k.kind === 'records' ? `${k.record.name}s` : k.kind === 'buffer' && k.text ? 'characters' : elemSize === 1 ? 'bytes' : `${elemSize}-byte elements`;
        if (len !== undefined) {
          const lenParam = param(len);
          const lenValue = lenParam.kind.kind === 'lengthCell' ? `(uint64_t)*(${intCType(lenParam.kind.elem)}*)${v(len)}` : `(uint64_t)${v(len)}`;
          crossChecks.range(`${lenValue} > ${base.var}_len / ${elemSize}`, len, `exceeds the size of '${p.name}' (in ${unit})`);
        }
        const count = k.kind === 'buffer' || k.kind === 'records' ? k.count : undefined;
        if (count !== undefined) {
          // The callee uses this many elements whatever JS passed: the metadata's fixed count.
          checks.holds(base.var, p.name, count * elemSize, `must hold ${count} ${unit}${elemSize === 1 ? '' : ` (${count * elemSize} bytes)`}`, k.optional);
          // A character array it reads is a string: it must end within the count, or the callee reads on past it.
          if (k.kind === 'buffer' && k.dir !== 'out' && k.text) {
            checks.range(`${base.var} != nullptr && std::char_traits<char16_t>::find((const char16_t*)${base.var}, ${count}, u'\\0') == nullptr`, p.name, `must hold a NUL within its first ${count} characters`);
          }
        }
        break;
      }
      case 'struct': {
        const size = k.record.layout.size;
        pointerArg(k.optional);
        checks.holds(base.var, p.name, size, `must hold a ${k.record.name} (${size} bytes)`, k.optional);
        // Beyond what any allocation guarantees (CONTEXT, SLIST_HEADER: movaps, cmpxchg16b fault when misaligned).
        const align = k.record.layout.align;
        if (align > 8) checks.range(`((uintptr_t)${base.var} & ${align - 1}) != 0`, p.name, `must be aligned to ${align} bytes`);
        // A size field tells the callee how many bytes the record has (its version): never more than JS gave it.
        const sizeField = k.record.sizeField ? k.record.fields.find((x) => x.name === k.record.sizeField) : undefined;
        if (sizeField && sizeField.type.kind === 'int') {
          const value = intFieldValue(k.record, sizeField.name, base.var);
          checks.range(`${base.var} != nullptr && ${value} > ${base.var}_len`, p.name, `has ${sizeField.name} larger than its buffer`);
        }
        // A counted ANYSIZE_ARRAY: its count elements must fit the buffer JS passed.
        const counted = k.record.countedArray;
        if (counted) {
          const array = k.record.fields.find((x) => x.name === counted.array)!;
          if (array.type.kind !== 'array') throw new EmitError(`${k.record.name}: counted array field ${counted.array} is no longer an array`, k.record.place);
          const elemSize = array.size / array.type.length;
          const n = intFieldValue(k.record, counted.count, base.var);
          checks.range(`${base.var} != nullptr && ${array.offset}ULL + ${n} * ${elemSize}ULL > ${base.var}_len`, p.name, `has ${counted.count} larger than its ${counted.array} array's room in the buffer`);
        }
        if (k.byValue) {
          checks.lines.push(`sbv_${k.record.name} ${base.var}_value;`, `memcpy(&${base.var}_value, ${base.var}, sizeof ${base.var}_value);`);
          callArgs.push(`${base.var}_value`);
        } else callArgs.push(`${base.var}`);
        break;
      }
      case 'cell':
      case 'lengthCell': {
        const bytes = k.kind === 'cell' && k.elem.kind === 'handle' ? (model.abi.dataModel === 'ILP32' ? 4 : 8) : k.elem.int.bits / 8;
        const optional = k.kind === 'cell' && k.optional;
        pointerArg(optional);
        checks.holds(base.var, p.name, bytes, `must hold ${bytes} bytes`, optional);
        callArgs.push(base.var);
        break;
      }
      case 'sizeof':
        callArgs.push(`(${p.cType})${k.size}`);
        break;
      case 'fixed':
        callArgs.push(p.cType === 'void*' || p.cType.endsWith('*') ? `(${p.cType})(intptr_t)${k.value}` : `(${p.cType})${k.value}`);
        break;
      case 'callback':
        // The callee calls cb_<type>, which calls this function through the frame set up before the call.
        args.push({ ...base, partial: 'arg-callback' });
        callArgs.push(`(void*)&${trampolineName(k.callback)}`);
        frames.push(base.var);
        break;
      case 'mapping': {
        args.push({ ...base, partial: 'arg-mapping', whole: k.release });
        callArgs.push(base.var);
        if (k.length) crossChecks.range(`(uint64_t)${v(k.length)} > ${base.var}_len`, k.length, `exceeds the size of '${p.name}'`);
        if (k.release) after.push(`if (${successTest(f)}) sb::releaseMapping(env, ${base.var}_m, ${base.var}_ab);`);
        break;
      }
      default: {
        const never: never = k;
        throw new EmitError(`unhandled parameter kind ${JSON.stringify(never)}`);
      }
    }
  }
  liveHandleLines(f, v, crossChecks, after);
  // Last before the call: the callback frame, so no check can throw with it installed.
  for (const a of frames) {
    crossChecks.lines.push(`sb::CallbackFrame frame_${a}(env, ${a});`);
    after.unshift(`if (frame_${a}.rethrow()) return nullptr;`);
  }
  const pointer = pointerType(f);
  return {
    ...pointer,
    comment: `${f.name}: ${f.invoke.dll}, ${pointer.cc}, spec ${formatPlace(f.place)}`,
    dll: f.invoke.dll,
    dllVar: dllVar(f.invoke.module),
    place: formatPlace(f.place),
    returnsVoid: f.returns.kind === 'void',
    releaser: releaserOf(f, model),
    argc: js.length,
    argvSize: Math.max(js.length, 1),
    args,
    checks: [...checks.lines, ...crossChecks.lines],
    modes: [{ fnName: `fn_${f.name}`, jsName: f.name, invoke: 'invoke-dll' }],
    callArgs: callArgs.join(', '),
    clearLastError: f.invoke.clearLastError,
    failure: f.invoke.setLastError ? 'failure-last-error' : 'failure-none',
    after,
    returnValue: returnValue(f),
  };
}

/** What platform-win32-preamble and invoke-dll read besides the common view. */
interface FunctionView extends CallableView {
  returnCType: string;
  cc: string;
  paramTypes: string;
  dll: string;
  dllVar: string;
  place: string;
  returnsVoid: boolean;
  releaser: { of: string; args: string } | undefined;
  callArgs: string;
  clearLastError: boolean;
  after: string[];
  returnValue: string;
}

const liveVar = (type: string) => `live_${type}`;
const trampolineName = (cb: Win32Callback) => `cb_${cb.name}`;

/** One C function per callback type the bound functions take: it converts its arguments and calls the frame's JS function. */
/** The C expression for an integer field of a record JS passed as bytes (`bytes` points at the record). */
function intFieldValue(record: Win32Record, name: string, bytes: string): string {
  const field = record.fields.find((x) => x.name === name);
  if (field?.type.kind !== 'int') throw new EmitError(`${record.name}: field ${name} is not an integer field`, record.place);
  return `(uint64_t)*(const ${intCType(field.type)}*)((const uint8_t*)${bytes} + ${field.offset})`;
}

function trampolines(model: Win32TargetModel): { name: string; returnCType: string; cc: string; params: string; argc: number; argvSize: number; conversions: string[] }[] {
  const seen = new Map<string, Win32Callback>();
  for (const f of model.functions) for (const p of f.params) if (p.kind.kind === 'callback') seen.set(p.kind.callback.name, p.kind.callback);
  return [...seen.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((cb) => {
      const passed = cb.params.map((q, i) => ({ q, v: `p${i}` })).filter(({ q }) => q.as !== 'context');
      const conversions = passed.map(({ q, v }) => {
        switch (q.as) {
          case 'handle':
            return `sb::bigintSigned(env, (int64_t)(intptr_t)${v})`;
          case 'bool':
            return `sb::boolean(env, ${v} != 0)`;
          case 'string':
            return `sb::wideString(env, ${v})`;
          default: {
            const t = q.type as WinType & { kind: 'int' };
            if (t.int.bits === 64) return t.int.signed ? `sb::bigintSigned(env, (int64_t)${v})` : `sb::bigintUnsigned(env, (uint64_t)${v})`;
            return `sb::number(env, (double)${v})`;
          }
        }
      });
      return {
        name: trampolineName(cb),
        returnCType: intCType(cb.returns),
        cc: cb.callingConvention === 'cdecl' ? '__cdecl' : 'WINAPI',
        // The user-data value (context) stays unnamed: the binding passed 0 for it and JS does not get it.
        params: cb.params.map((q, i) => (q.as === 'context' ? q.cType : `${q.cType} p${i}`)).join(', ') || 'void',
        argc: passed.length,
        argvSize: Math.max(passed.length, 1),
        conversions,
      };
    });
}

/**
 * Tracked handles (see sb::LiveHandles): each parameter checked against the live values under
 * the lock, a released one forgotten after the call, a returned one added when the call succeeded.
 */
function liveHandleLines(f: Win32Function, v: (name: string) => string, checks: ArgChecks, after: string[]): void {
  if (f.liveHandles.length === 0) return;
  checks.lines.push('std::lock_guard<std::recursive_mutex> liveLock(sb::liveHandleLock());');
  for (const u of f.liveHandles) {
    if (u.use === 'produce') {
      const value = u.param === undefined ? '(uint64_t)(intptr_t)r' : `(uint64_t)*(intptr_t*)${v(u.param)}`;
      const given = u.param === undefined ? '' : `${v(u.param)} != nullptr && `;
      after.push(`if (${given}${successTest(f)}) ${liveVar(u.type)}.add(${value});`);
      continue;
    }
    const a = v(u.param!);
    const k = f.params.find((p) => p.name === u.param)!.kind;
    const skipNull = k.kind === 'handle' && k.optional ? `${a} != 0 && ` : '';
    checks.lines.push(`if (${skipNull}!${liveVar(u.type)}.has((uint64_t)${a})) ${checks.typeError(u.param!, `is not a live ${u.type} (one this binding returned and that is not yet released)`)}`);
    if (u.use === 'release') after.push(`${liveVar(u.type)}.remove((uint64_t)${a});`);
  }
}

/** C++ that is true when the call succeeded (after which a released mapping is gone, a returned handle live). */
function successTest(f: Win32Function): string {
  switch (f.failure) {
    case 'false':
      return 'r != 0';
    case 'error-code':
      return 'r == 0';
    case 'ntstatus':
    case 'hresult':
      return '(int32_t)r >= 0';
    case 'none':
      return 'true';
    case 'null':
    case 'zero':
      return '(intptr_t)r != 0';
    case 'invalid-handle':
      return '(intptr_t)r != -1';
    default:
      if (typeof f.failure === 'object') return `(int64_t)r != ${f.failure.equals}`;
      throw new EmitError(`${f.name}: no success test for its failure convention`, f.place);
  }
}

/** For the release function of a mapping: the arguments it is called with when JavaScript drops the memory. */
function releaserOf(f: Win32Function, model: Win32TargetModel): { of: string; args: string } | undefined {
  const of = model.functions.find((g) => g.returns.kind === 'mapping' && g.returns.release === f.name);
  if (!of) return undefined;
  const args = f.params.map((p) => {
    const k = p.kind;
    if (k.kind === 'mapping') return 'addr';
    if (k.kind === 'fixed') return p.cType.endsWith('*') ? `(${p.cType})(intptr_t)${k.value}` : `(${p.cType})${k.value}`;
    if (k.kind === 'int' && k.values?.values.length === 1) return `(${p.cType})${k.values.values[0]}ULL`;
    throw new EmitError(`${f.name}.${p.name}: not fixed, so ${f.name} cannot release memory on garbage collection`, f.place);
  });
  return { of: of.name, args: args.join(', ') };
}

function returnValue(f: Win32Function): string {
  const r = f.returns;
  switch (r.kind) {
    case 'void':
      return 'sb::undefined(env)';
    case 'bool':
      return 'sb::boolean(env, r != 0)';
    case 'handle':
      return 'sb::bigintSigned(env, (int64_t)(intptr_t)r)';
    case 'float':
      return 'sb::number(env, (double)r)';
    case 'int':
      return intResult(r.type);
    case 'mapping': {
      const len = `a${f.params.findIndex((p) => p.name === r.length)}`;
      return `r == nullptr ? nullptr : sb::newMapping(env, r, (size_t)${len}, release_${r.release})`;
    }
  }
}

/** 64-bit and pointer-sized integers are bigints (they may exceed 2^53); narrower ones numbers. */
function intResult(t: WinType & { kind: 'int' }): string {
  if (t.int.bits === 64 || t.pointerSized) {
    return t.int.signed ? 'sb::bigintSigned(env, (int64_t)r)' : 'sb::bigintUnsigned(env, (uint64_t)r)';
  }
  return 'sb::number(env, (double)r)';
}

export function emitWin32Binding(model: Win32TargetModel, banner: string): string {
  return emitCppBinding({
    banner,
    target: model.target.name,
    intro: [
      `Node-API binding for ${model.target.name}: one function per Win32 API function. Each`,
      'converts its arguments (a TypeError or RangeError naming the argument on bad',
      'input), resolves the function from its DLL on first use (the DLL loaded from',
      "System32 only), calls it through a pointer typed with the metadata's calling",
      'convention, reads GetLastError() immediately after the call, before any',
      "Node-API call, and returns the raw result. The TypeScript layer applies each",
      "function's failure convention and throws Win32Error / NtStatusError.",
    ],
    platformMacro: '_WIN32',
    archCheck: archMacroCheck(model.target.dataModel, 'little'),
    includes: [],
    preamble: 'platform-win32-preamble',
    helpers: 'platform-win32-helpers',
    callables: model.functions.map((f) => functionView(f, model)),
    extraExports: [
      { jsName: 'lastError', fnName: 'sb::getLastError' },
      { jsName: 'formatMessage', fnName: 'sb::formatMessage' },
    ],
  }, {
    dlls: model.modules.map((m) => ({ var: dllVar(m.module), name: m.dll })),
    byValue: byValueRecords(model),
    liveTypes: [...new Set(model.functions.flatMap((f) => f.liveHandles.map((u) => u.type)))].sort(),
    trampolines: trampolines(model),
  });
}
