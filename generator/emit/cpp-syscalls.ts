/**
 * The Linux view of binding.cc: how each syscall's JavaScript arguments
 * become syscall registers, the checks between them, and the sync (and, for a
 * blocking call, async) form. Rendered by the one C++ writer (cpp-binding.ts).
 */
import type { LinuxTargetModel } from '../spec/linux-model.js';
import { isMappingLength, nativeParams, type IntInfo, type SyscallModel } from '../model/syscall.js';
import { EmitError } from '../errors.js';
import { formatPlace } from '../errors.js';
import { intBounds, type ArgView } from './cpp-args.js';
import { ArgChecks, archMacroCheck, emitCppBinding, type CallableView } from './cpp-binding.js';

interface CallArg {
  sync: string;
  async: string;
}


/**
 * The syscall() arguments an integer takes. On a 32-bit target a 64-bit value
 * (loff_t) takes two registers, low word first on little-endian; where the ABI
 * puts such pairs in an even/odd register pair (arm EABI), a padding register
 * comes first when the pair would start on an odd one.
 */
function registers(model: LinuxTargetModel, v: string, int: IntInfo, used: number): CallArg[] {
  const t = model.target;
  if (!(int.bits === 64 && t.dataModel === 'ILP32')) return [{ sync: `(long)${v}`, async: `(long)${v}` }];
  const lo = `(long)(uint32_t)(uint64_t)${v}`;
  const hi = `(long)(uint32_t)((uint64_t)${v} >> 32)`;
  const pair = t.endian === 'little' ? [lo, hi] : [hi, lo];
  const pad = t.syscallPairAlign === 'even' && used % 2 === 1 ? ['0L'] : [];
  return [...pad, ...pair].map((x) => ({ sync: x, async: x }));
}

function syscallView(model: LinuxTargetModel, s: SyscallModel): SyscallView {
  const natives = nativeParams(s);
  const vars = new Map<string, string>();
  s.params.forEach((p, i) => vars.set(p.name, `a${i}`));
  const v = (name: string) => vars.get(name)!;
  const args: ArgView[] = [];
  const checks = new ArgChecks(s.name);
  const callArgs: CallArg[] = [];
  const after: string[] = [];

  for (const p of s.params) {
    const k = p.kind;
    const index = natives.indexOf(p);
    const base = { index, name: p.name, var: v(p.name) };
    switch (k.kind) {
      case 'length':
        if (isMappingLength(s, p)) {
          // A mapping's length is not a JS argument: C++ reads it from the mapping itself.
          const len = `(long)${v(k.of)}_m->len`;
          callArgs.push({ sync: len, async: len });
          break;
        }
        args.push({ ...base, ...intBounds(k.int, true) });
        callArgs.push(...registers(model, base.var, k.int, callArgs.length));
        break;
      case 'int':
      case 'fd':
      case 'half':
        args.push({ ...base, ...intBounds(k.int, true) });
        callArgs.push(...registers(model, base.var, k.int, callArgs.length));
        break;
      case 'string':
        args.push({ ...base, partial: 'arg-string', nullable: k.optional });
        callArgs.push({ sync: `(long)${base.var}.ptr()`, async: `(long)w->own(${base.var})` });
        break;
      case 'buffer':
      case 'struct':
      case 'array':
      case 'cell':
      case 'ref':
      case 'lengthCell': {
        const nullable = 'optional' in k ? k.optional : false;
        args.push({ ...base, partial: 'arg-pointer', nullable, keep: true });
        callArgs.push({ sync: `(long)${base.var}`, async: `(long)${base.var}` });
        break;
      }
      case 'address':
        args.push({ ...base, partial: 'arg-address', keep: true });
        callArgs.push({ sync: base.var, async: base.var });
        break;
      case 'const':
        args.push({ ...base, partial: 'arg-const', value: `${k.value}L` });
        callArgs.push({ sync: base.var, async: base.var });
        break;
      case 'mapping':
        args.push({ ...base, partial: 'arg-mapping', whole: true });
        callArgs.push({ sync: `(long)${base.var}_m->addr`, async: `(long)${base.var}_m->addr` });
        // munmap's 0 released it; a call returning a mapping (mremap) moved it there: either way the
        // old ArrayBuffer detaches and its finalizer no longer unmaps (the kernel did, or the new one owns it).
        after.push(s.returns.kind === 'mapping' ? `sb::releaseMapping(env, ${base.var}_m, ${base.var}_ab);` : `if (r == 0) { sb::releaseMapping(env, ${base.var}_m, ${base.var}_ab); }`);
        break;
      default: {
        const never: never = k;
        throw new EmitError(`unhandled parameter kind ${JSON.stringify(never)}`);
      }
    }
  }
  // Cross-argument checks: a length may not exceed its buffer; a struct pointer must hold the struct.
  for (const p of s.params) {
    const k = p.kind;
    const pv = v(p.name);
    if (k.kind === 'buffer' && k.length) {
      const room = k.header ? `${pv}_len - ${k.header}` : `${pv}_len`;
      if (k.header) checks.holds(pv, p.name, k.header, `must hold its ${k.header}-byte header`, k.optional);
      checks.range(`(uint64_t)${v(k.length)} > ${room}`, k.length, k.header ? `exceeds the bytes of '${p.name}' after its ${k.header}-byte header` : `exceeds the byteLength of '${p.name}'`);
    }
    if (k.kind === 'buffer' && k.pages) {
      // One byte per page the length covers, the page size the kernel's (sysconf).
      const page = `(uint64_t)sysconf(_SC_PAGESIZE)`;
      checks.range(`${pv} != nullptr && ((uint64_t)${v(k.pages)} + ${page} - 1) / ${page} > ${pv}_len`, p.name, `holds fewer bytes than '${k.pages}' has pages`);
    }
    if (k.kind === 'buffer' && k.dir === 'range') {
      const len = k.length ? `(size_t)${v(k.length)}` : `${pv}_len`;
      checks.lines.push(`if (${pv} != nullptr && !sb::withinLiveMapping(${pv}, ${len})) ${checks.typeError(p.name, 'must lie within a live mapping returned by mmap')}`);
    } else if (k.kind === 'struct') {
      checks.holds(pv, p.name, k.size, `must hold a struct ${k.struct.name} (${k.size} bytes)`, k.optional);
    } else if (k.kind === 'array') {
      if (k.length) checks.range(`(uint64_t)${v(k.length)} > ${pv}_len / ${k.elemSize}`, k.length, `exceeds the number of ${k.struct.name} elements in '${p.name}'`);
      else checks.holds(pv, p.name, k.count! * k.elemSize, `must hold ${k.count} ${k.struct.name} elements`, true);
    } else if (k.kind === 'ref') {
      const el = k.cell.bits / 8;
      if (k.length) checks.range(`(uint64_t)${v(k.length)} > ${pv}_len / ${el}`, k.length, `exceeds the number of elements in '${p.name}'`);
      else if (k.bits) {
        // The kernel uses ceil(n / bits) elements of the set; a count below 1 it refuses itself (EINVAL).
        const n = v(k.bits);
        checks.range(`${pv} != nullptr && (int64_t)${n} > 0 && ((uint64_t)${n} + ${k.cell.bits - 1}) / ${k.cell.bits} > ${pv}_len / ${el}`, p.name, `holds fewer than '${k.bits}' bits`);
      } else checks.holds(pv, p.name, el, `must hold one ${k.cType} (${el} bytes)`, true);
    } else if (k.kind === 'cell' || k.kind === 'lengthCell') {
      const bytes = (k.cell.bits / 8) * (k.kind === 'cell' ? k.count : 1);
      checks.holds(pv, p.name, bytes, `must hold ${bytes} bytes`, true);
    }
  }
  if (callArgs.length > 6) throw new EmitError(`'${s.name}' needs ${callArgs.length} registers on ${model.target.name}; syscalls take at most 6`, s.place);
  const argc = natives.length;
  const modes = [{ fnName: `sys_${s.name}`, jsName: s.name, invoke: 'invoke-syscall' }];
  if (s.blocking) modes.push({ fnName: `sys_${s.name}_async`, jsName: `${s.name}_async`, invoke: 'invoke-syscall-async' });
  if (s.blocking && s.returns.kind === 'mapping') throw new EmitError(`'${s.name}' cannot be blocking and return a mapping`, s.place);

  let syncReturn: string;
  if (s.returns.kind === 'mapping') {
    const len = v(s.returns.length);
    syncReturn = [
      // -errno is -4095..-1; any other value is the address, which on a 32-bit target may be above 2^31.
      `  if (r < 0 && r >= -4095) return sb::number(env, r);`,
      ...after.map((a) => `  ${a}`),
      // The release function: the target's munmap, for memory JS dropped without calling it.
      `  return sb::newMapping(env, (void*)r, (size_t)${len}, [](void* a, size_t n) { syscall(${s.returns.releaseNr}L, (long)a, (long)n); });`,
    ].join('\n');
  } else {
    const conv = s.returns.kind === 'bigint' ? 'bigint' : 'number';
    syncReturn = [...after.map((a) => `  ${a}`), `  return sb::${conv}(env, r);`].join('\n');
  }
  return {
    name: s.name,
    comment: `${s.name}: syscall ${s.invoke.nr} (${s.invoke.entry}), spec ${formatPlace(s.place)}`,
    nr: s.invoke.nr,
    argc,
    argvSize: Math.max(argc, 1),
    args,
    checks: checks.lines,
    callArgs,
    modes,
    failure: 'failure-errno',
    bigintResult: s.returns.kind === 'bigint',
    syncReturn,
  };
}

/** What invoke-syscall and invoke-syscall-async read besides the common view. */
interface SyscallView extends CallableView {
  nr: number;
  callArgs: CallArg[];
  bigintResult: boolean;
  syncReturn: string;
}

export function emitLinuxBinding(model: LinuxTargetModel, banner: string): string {
  const t = model.target;
  return emitCppBinding({
    banner,
    target: t.name,
    intro: [
      `Node-API binding for ${t.name}: one function per syscall, each converting`,
      'its arguments, calling syscall(<number from the spec>, ...) and returning the',
      'raw result, or -errno read immediately after the call. The TypeScript layer',
      'turns negative results into SyscallError.',
    ],
    platformMacro: '__linux__',
    archCheck: archMacroCheck(t.dataModel, t.endian),
    includes: ['sys/syscall.h', 'fcntl.h', 'spawn.h', 'signal.h', 'sys/wait.h'],
    preamble: 'platform-linux-preamble',
    helpers: 'platform-linux-helpers',
    callables: model.syscalls.map((s) => syscallView(model, s)),
    extraExports: [
      { jsName: 'addressOf', fnName: 'addressOf' },
      { jsName: 'unsafe_syscall', fnName: 'unsafeSyscall' },
      { jsName: 'spawn', fnName: 'spawnProcess' },
    ],
  });
}
