/**
 * Emits binding.cc for a Windows target: builds a view of each function (how
 * each JavaScript value becomes a C argument, the checks between arguments,
 * the call, what happens after it) and renders templates/win32/binding.cc.hbs,
 * which includes the shared C++ runtime. All C++ text lives in the templates, but
 * for the one-line checks and conversions assembled here.
 */
import { EmitError, formatPlace } from '../../errors.js';
import { byValueRecords, jsParams, pointerType, type Win32Function, type Win32Param, type Win32TargetModel, type WinType } from '../../model/win32.js';
import type { IntInfo } from '../../model/syscall.js';
import { intCType } from '../../spec/win32-functions.js';
import { intBounds, type ArgView } from '../cpp-args.js';
import { render } from '../templates.js';


const dllVar = (module: string) => `dll_${module}`;


/** A C++ string literal of plain ASCII text. */
function cString(s: string): string {
  return JSON.stringify(s);
}

function functionView(f: Win32Function, model: Win32TargetModel) {
  const js = jsParams(f);
  const vars = new Map(f.params.map((p, i) => [p.name, `a${i}`]));
  const v = (name: string) => vars.get(name)!;
  const param = (name: string) => f.params.find((p) => p.name === name)!;
  const args: ArgView[] = [];
  // Each argument's own checks first, then those between arguments (which may read a cell).
  const checks: string[] = [];
  const crossChecks: string[] = [];
  const callArgs: string[] = [];
  const after: string[] = [];
  const fn = f.name;
  const range = (arg: string, what: string) => `return sb::throwRangeError(env, ${cString(fn)}, ${cString(arg)}, ${cString(what)});`;
  const typeErr = (arg: string, what: string) => `return sb::throwTypeError(env, ${cString(fn)}, ${cString(arg)}, ${cString(what)});`;

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
          checks.push(`if (${bad.join(' || ')}) ${range(p.name, text)}`);
        }
        if (k.kind === 'int' && k.values) {
          checks.push(`if (${k.values.values.map((x) => `${base.var} != ${x}ULL`).join(' && ')}) ${range(p.name, k.values.text)}`);
        }
        break;
      }
      case 'float':
        args.push({ ...base, partial: 'w-double' });
        callArgs.push(`(${p.cType})${base.var}`);
        break;
      case 'bool':
        args.push({ ...base, partial: 'w-bool' });
        callArgs.push(`(${p.cType})${base.var}`);
        break;
      case 'handle':
        args.push({ ...base, partial: 'w-handle', nullable: k.optional });
        callArgs.push(`(void*)${base.var}`);
        break;
      case 'string':
        args.push({ ...base, partial: 'w-string', nullable: k.optional });
        callArgs.push(`${base.var}.ptr()`);
        break;
      case 'buffer':
      case 'range':
      case 'array': {
        pointerArg(k.optional);
        callArgs.push(base.var);
        const elemSize = k.kind === 'buffer' ? k.elemSize : k.kind === 'array' ? k.elem.int.bits / 8 : 1;
        const len = k.kind === 'buffer' ? (k.length ?? k.lengthCell) : k.length;
        if (len !== undefined) {
          const lenParam = param(len);
          const lenValue = lenParam.kind.kind === 'lengthCell' ? `(uint64_t)*(${intCType(lenParam.kind.elem)}*)${v(len)}` : `(uint64_t)${v(len)}`;
          const unit = elemSize === 1 ? 'bytes' : `${elemSize}-byte elements`;
          crossChecks.push(`if (${lenValue} > ${base.var}_len / ${elemSize}) ${range(len, `exceeds the size of '${p.name}' (in ${unit})`)}`);
        }
        break;
      }
      case 'struct': {
        const size = k.record.layout.size;
        pointerArg(k.optional);
        checks.push(`if (${base.var} != nullptr && ${base.var}_len < ${size}) ${range(p.name, `must hold a ${k.record.name} (${size} bytes)`)}`);
        if (!k.optional) checks.push(`if (${base.var} == nullptr) ${typeErr(p.name, 'must not be null')}`);
        if (k.byValue) {
          checks.push(`sbv_${k.record.name} ${base.var}_value;`, `memcpy(&${base.var}_value, ${base.var}, sizeof ${base.var}_value);`);
          callArgs.push(`${base.var}_value`);
        } else callArgs.push(`${base.var}`);
        break;
      }
      case 'cell':
      case 'lengthCell': {
        const bytes = k.kind === 'cell' && k.elem.kind === 'handle' ? (model.abi.dataModel === 'ILP32' ? 4 : 8) : k.elem.int.bits / 8;
        const optional = k.kind === 'cell' && k.optional;
        pointerArg(optional);
        checks.push(`if (${base.var} != nullptr && ${base.var}_len < ${bytes}) ${range(p.name, `must hold ${bytes} bytes`)}`);
        if (!optional) checks.push(`if (${base.var} == nullptr) ${typeErr(p.name, 'must not be null')}`);
        callArgs.push(base.var);
        break;
      }
      case 'sizeof':
        callArgs.push(`(${p.cType})${k.size}`);
        break;
      case 'fixed':
        callArgs.push(p.cType === 'void*' || p.cType.endsWith('*') ? `(${p.cType})(intptr_t)${k.value}` : `(${p.cType})${k.value}`);
        break;
      case 'mapping': {
        args.push({ ...base, partial: 'arg-mapping', whole: k.release });
        callArgs.push(base.var);
        if (k.length) crossChecks.push(`if ((uint64_t)${v(k.length)} > ${base.var}_len) ${range(k.length, `exceeds the size of '${p.name}'`)}`);
        if (k.release) after.push(`if (${successTest(f)}) sb::releaseMapping(env, ${base.var}_m, ${base.var}_ab);`);
        break;
      }
      default: {
        const never: never = k;
        throw new EmitError(`unhandled parameter kind ${JSON.stringify(never)}`);
      }
    }
  }
  return {
    ...pointerType(f),
    dll: f.invoke.dll,
    dllVar: dllVar(f.invoke.module),
    place: formatPlace(f.place),
    returnsVoid: f.returns.kind === 'void',
    releaser: releaserOf(f, model),
    argc: js.length,
    argvSize: Math.max(js.length, 1),
    args,
    checks: [...checks, ...crossChecks],
    callArgs: callArgs.join(', '),
    setLastError: f.invoke.setLastError,
    clearLastError: f.invoke.clearLastError,
    after,
    returnValue: returnValue(f),
  };
}

/** C++ that is true when the call succeeded (after which a released mapping is gone). */
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
    default:
      throw new EmitError(`${f.name}: a release function must report failure as FALSE, an error code, an NTSTATUS or an HRESULT`, f.place);
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

/** A preprocessor condition that holds only when compiling for the model's target. */
function archMacroCheck(model: Win32TargetModel): string {
  const size = model.target.dataModel === 'ILP32' ? 4 : 8;
  return `__SIZEOF_POINTER__ == ${size} && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__`;
}

export function emitWin32Binding(model: Win32TargetModel, banner: string): string {
  return render('win32/binding.cc.hbs', {
    banner,
    target: model.target.name,
    archCheck: archMacroCheck(model),
    dlls: model.modules.map((m) => ({ var: dllVar(m.module), name: m.dll })),
    byValue: byValueRecords(model),
    functions: model.functions.map((f) => functionView(f, model)),
  });
}
