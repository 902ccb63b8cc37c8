/**
 * Plans the TypeScript wrapper of one syscall: its public parameters (with
 * defaults derived from buffers), the marshalling statements, the arguments
 * handed to the native function, and how the raw result becomes a value or a
 * SyscallError. The same plan yields the sync and the async function.
 */
import { nativeParams, type IntInfo, type ParamModel, type SyscallModel } from '../model/syscall.js';
import { keepsBuffers } from '../spec/struct-specs.js';
import { intCellArray, type CallPlan, type TsParam } from './ts-plan.js';
import { str } from './ts-text.js';

export function intType(int: IntInfo): string {
  return int.bits === 64 ? 'number | bigint' : 'number';
}


/** The typed array a `ref` parameter takes: its element is the C integer. */
function refArrayOf(int: IntInfo): string {
  if (int.bits === 64) return int.signed ? 'BigInt64Array' : 'BigUint64Array';
  return `${int.signed ? 'Int' : 'Uint'}${int.bits}Array`;
}

function tsClassOf(p: ParamModel): string {
  const k = p.kind;
  if (k.kind === 'struct' || k.kind === 'array') return k.struct.tsName;
  throw new Error('not a struct param');
}

export function planCall(s: SyscallModel): CallPlan {
  const params: TsParam[] = [];
  const prelude: string[] = [];
  const nativeArgs: string[] = [];
  const returned = s.returns.kind === 'param' ? s.returns.param : undefined;
  const byName = new Map(s.params.map((p) => [p.name, p]));
  const fn = str(s.name);
  const paths = s.params.filter((p) => p.kind.kind === 'string' && p.kind.isPath).map((p) => p.name);
  const nativeTypes: { name: string; type: string }[] = [];

  for (const p of nativeParams(s)) {
    const k = p.kind;
    const q = str(p.name);
    switch (k.kind) {
      case 'int':
      case 'fd':
        params.push({ name: p.name, type: intType(k.int), fallback: k.kind === 'int' && k.default !== undefined ? String(k.default) : undefined });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: intType(k.int) });
        break;
      case 'length': {
        const owner = byName.get(k.of)!;
        const ok = owner.kind;
        // Left out, the length is the owner's (elements of an array or ref, bytes otherwise); 0 for a null optional buffer or ref.
        const measure = ok.kind === 'array' || ok.kind === 'ref' ? 'length' : 'byteLength';
        const orZero = (ok.kind === 'buffer' || ok.kind === 'ref') && ok.optional ? ' ?? 0' : '';
        // A buffer with a header (msgbuf's mtype) is measured after it.
        const fallback = ok.kind === 'buffer' && ok.header ? `Math.max(0, (${k.of}?.byteLength ?? 0) - ${ok.header})` : `${k.of}?.${measure}${orZero}`;
        params.push({ name: p.name, type: intType(k.int), fallback });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: `${intType(k.int)} | undefined` });
        break;
      }
      case 'string':
        params.push({ name: p.name, type: k.optional ? 'string | null' : 'string', fallback: k.optional ? 'null' : undefined });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: 'string | null' });
        break;
      case 'buffer':
        params.push({ name: p.name, type: k.optional ? 'Bytes | null' : 'Bytes', fallback: k.optional ? 'null' : undefined });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      case 'struct': {
        const cls = tsClassOf(p);
        const isReturned = returned === p.name;
        params.push({
          name: p.name,
          type: k.optional ? `${cls} | null` : cls,
          fallback: isReturned ? `new ${cls}()` : k.optional ? 'null' : undefined,
        });
        if (keepsBuffers(k.struct)) prelude.push(`sealStructs(${p.name}, ${fn}, ${q});`);
        // The exact class is the common case and cheaper to test than instanceof.
        nativeArgs.push(`(${p.name}?.constructor === ${cls} ? ${p.name}.bytes : structBytes(${p.name}, ${cls}, ${fn}, ${q}, ${k.optional}))`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      }
      case 'array': {
        const cls = tsClassOf(p);
        params.push({ name: p.name, type: k.optional ? `StructArray<${cls}> | null` : `StructArray<${cls}>`, fallback: k.optional ? 'null' : undefined });
        if (keepsBuffers(k.struct)) prelude.push(`sealStructs(${p.name}, ${fn}, ${q});`);
        nativeArgs.push(`arrayBytes(${p.name}, ${cls}, ${fn}, ${q}, ${k.optional})`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      }
      case 'cell':
        if (k.dir === 'out') prelude.push(`const ${p.name} = new ${intCellArray(k.cell)}(${k.count});`);
        else {
          // The kernel reads the value: it comes from JS, checked against the C type.
          params.push({ name: p.name, type: intType(k.cell) });
          prelude.push(`const ${p.name}_cell = intCell(${p.name}, ${fn}, ${q}, ${k.cell.bits}, ${k.cell.signed});`);
        }
        nativeArgs.push(k.dir === 'out' ? p.name : `${p.name}_cell`);
        nativeTypes.push({ name: p.name, type: 'Bytes' });
        break;
      case 'ref': {
        const ta = refArrayOf(k.cell);
        params.push({ name: p.name, type: k.optional ? `${ta} | null` : ta, fallback: k.optional ? 'null' : undefined });
        nativeArgs.push(`refCell(${p.name}, ${ta}, ${fn}, ${q}, ${k.optional})`);
        nativeTypes.push({ name: p.name, type: 'Bytes | null' });
        break;
      }
      case 'lengthCell': {
        const owner = byName.get(k.of)!;
        const init = owner.kind.kind === 'buffer' && owner.kind.optional ? `${k.of}?.byteLength ?? 0` : `${k.of}?.byteLength`;
        const value = k.cell.bits === 64 ? `BigInt(${init})` : init;
        prelude.push(`const ${p.name} = ${intCellArray(k.cell)}.of(${value});`);
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: 'Bytes' });
        break;
      }
      case 'mapping':
        params.push({ name: p.name, type: 'Uint8Array | ArrayBuffer' });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: 'Bytes' });
        break;
      case 'half': {
        // The first half seen declares the whole value as one JS parameter and splits it once.
        if (!params.some((x) => x.name === k.of)) {
          params.push({ name: k.of, type: 'number | bigint' });
          prelude.push(`const [${k.of}_low, ${k.of}_high] = splitInt64(${k.of}, ${fn}, ${str(k.of)});`);
        }
        nativeArgs.push(`${k.of}_${k.half}`);
        nativeTypes.push({ name: p.name, type: 'number' });
        break;
      }
      case 'address':
        params.push({ name: p.name, type: 'Bytes | bigint | null' });
        nativeArgs.push(p.name);
        nativeTypes.push({ name: p.name, type: 'Bytes | bigint | null' });
        break;
      case 'const':
        break;
      default: {
        const never: never = k;
        throw new Error(`unhandled ${JSON.stringify(never)}`);
      }
    }
  }


  const pathArgs = paths.length === 0 ? '' : `, ${paths.slice(0, 2).join(', ')}`;
  // The error names the kernel's call (prlimit64), not its JS export (unsafe_prlimit64).
  const fail = (errnoExpr: string) => `throw syscallError(${errnoExpr}, ${str(s.kernelName ?? s.name)}${pathArgs});`;
  const epilogue: string[] = [];
  let returnType: string;
  let nativeReturn = 'number';
  switch (s.returns.kind) {
    case 'number':
      epilogue.push(`if (r < 0) ${fail('-r')}`, 'return r;');
      returnType = 'number';
      break;
    case 'bigint':
      nativeReturn = 'bigint';
      epilogue.push(`if (r < 0n) ${fail('Number(-r)')}`, 'return r;');
      returnType = 'bigint';
      break;
    case 'void':
      epilogue.push(`if (r < 0) ${fail('-r')}`);
      returnType = 'void';
      break;
    case 'mapping':
      nativeReturn = 'ArrayBuffer | number';
      epilogue.push(`if (typeof r === 'number') ${fail('-r')}`, 'return new Uint8Array(r);');
      returnType = 'Uint8Array';
      break;
    case 'param': {
      const p = byName.get(s.returns.param)!;
      epilogue.push(`if (r < 0) ${fail('-r')}`);
      const k = p.kind;
      if (k.kind === 'struct') {
        epilogue.push(`return ${p.name};`);
        returnType = k.struct.tsName;
      } else if (k.kind === 'cell' && k.count > 1) {
        const el = k.cell.bits === 64 ? 'bigint' : 'number';
        epilogue.push(`return [${Array.from({ length: k.count }, (_, i) => `${p.name}[${i}]!`).join(', ')}];`);
        returnType = `[${Array(k.count).fill(el).join(', ')}]`;
      } else if (k.kind === 'cell' || k.kind === 'lengthCell') {
        epilogue.push(`return ${p.name}[0]!;`);
        returnType = k.cell.bits === 64 ? 'bigint' : 'number';
      } else throw new Error(`cannot return parameter kind ${k.kind}`);
      break;
    }
  }
  return { params, prelude, nativeArgs, returnType, epilogue, nativeReturn, nativeTypes };
}
