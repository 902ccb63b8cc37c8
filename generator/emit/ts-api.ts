/**
 * Emits the TypeScript API of a Linux target: constants, the errno table,
 * struct classes, the native interface, sync and async syscall wrappers, and
 * an index. Each file's text is assembled here, then parsed and formatted by
 * ts-morph: a syntax error in the output stops generation, and formatting is
 * uniform. (Building files node by node with ts-morph's manipulation API was
 * ~100× slower for the ~1,000 declarations of a target.)
 */
import type { SyscallModel } from '../model/syscall.js';
import { layoutOf, type LinuxTargetModel } from '../spec/linux-model.js';
import { planCall } from './ts-calls.js';
import { renderFallbacks, renderParams } from './ts-plan.js';
import { structClass, type StructClass } from './ts-struct-class.js';
import { fieldAccessor, sealBody } from './ts-structs.js';
import { RUNTIME_FROM_TARGET as RUNTIME } from './ts-runtime.js';
import { doc, formatTs, importUsed, str, type EmittedFile } from './ts-text.js';


function constantValue(v: number | string): string {
  return typeof v === 'number' ? String(v) : `${v}n`;
}

function constantsFile(model: LinuxTargetModel): string {
  const out: string[] = [];
  for (const fam of model.constants) {
    const whose = fam.follows === 'kernel' ? "the kernel's uapi values" : "glibc's values, which are the kernel ABI";
    out.push('', `// ---- ${fam.name}: from ${fam.headers.join(', ')} (${whose}) ----`);
    for (const c of fam.constants) {
      const text = [c.description, c.alias ? `Alias of ${c.alias}.` : ''].filter(Boolean).join(' ');
      if (text) out.push(doc([text]));
      out.push(`export const ${c.name} = ${constantValue(c.value)};`);
    }
  }
  return out.join('\n');
}

function errnoFile(model: LinuxTargetModel): string {
  const errno = model.constants.find((c) => c.name === 'errno');
  const rows = new Map<number, [string, string]>();
  for (const c of errno?.constants ?? []) {
    if (c.alias || typeof c.value !== 'number' || rows.has(c.value)) continue;
    rows.set(c.value, [c.name, c.description ?? c.name]);
  }
  const entries = [...rows.entries()].sort((a, b) => a[0] - b[0]);
  return [
    `import { errorFactory, type ErrnoTable } from ${str(`${RUNTIME}/errors.js`)};`,
    '',
    doc(['errno number → [name, description] on this target (numbers differ per arch: mips has its own).']),
    `export const errnoTable: ErrnoTable = new Map([`,
    ...entries.map(([n, [name, d]]) => `  [${n}, [${str(name)}, ${str(d)}]],`),
    ']);',
    '',
    `export const syscallError = errorFactory(errnoTable);`,
  ].join('\n');
}

function structsFile(model: LinuxTargetModel): string {
  const body: string[] = [];
  for (const s of model.structs) {
    const layout = layoutOf(model, s);
    const fields: StructClass['fields'] = [];
    for (const field of layout.fields) {
      const accessor = fieldAccessor(model, s, field);
      if (!accessor) continue;
      const type = field.type.kind === 'prim' ? field.type.name : field.type.kind;
      const bits = field.bits !== undefined ? `, bits ${field.bitOffset}..${(field.bitOffset ?? 0) + field.bits - 1}` : '';
      fields.push({ name: field.name, doc: `${type} (${field.size} bytes) at offset ${field.offset}${bits}.`, accessor });
    }
    const what = s.cname ?? `${s.kind} ${s.name}`;
    const classDoc = [`${what} on ${model.target.name}: ${layout.size} bytes, aligned to ${layout.align}.`, ...(s.doc ? [s.doc] : [])];
    const seal = sealBody(model, s);
    body.push(...structClass({ name: s.tsName, doc: classDoc, size: layout.size, align: layout.align, fields, ...(seal ? { seal } : {}) }));
  }
  const text = body.join('\n');
  return [
    importUsed(['Struct', 'StructArray', 'checkPointee', 'sealStructs', 'checkInt', 'checkBigInt', 'checkFloat', 'readCString', 'writeCString', 'writeBytes', 'writeStruct', 'readBits', 'writeBits'], `${RUNTIME}/struct.js`, text),
    importUsed(['argTypeError'], `${RUNTIME}/errors.js`, text),
    importUsed(['native'], './native.js', text),
    text,
  ].join('\n');
}

function nativeFile(model: LinuxTargetModel): string {
  const methods: string[] = [];
  for (const s of model.syscalls) {
    const plan = planCall(s);
    const params = plan.nativeTypes.map((x) => `${x.name}: ${x.type}`).join(', ');
    methods.push(`${s.name}(${params}): ${plan.nativeReturn};`);
    if (s.blocking) methods.push(`${s.name}_async(${params}): Promise<${plan.nativeReturn}>;`);
  }
  return [
    `import { loadNative } from ${str(`${RUNTIME}/native-loader.js`)};`,
    `import type { Bytes } from ${str(`${RUNTIME}/args.js`)};`,
    `import type { SpawnNative } from ${str(`${RUNTIME}/spawn.js`)};`,
    '',
    doc(['The C++ addon: raw results (negative = -errno), no ergonomics.']),
    'export interface Native {',
    ...methods,
    'addressOf(buffer: Bytes): bigint;',
    'unsafe_syscall(nr: number, ...args: (number | bigint)[]): bigint;',
    'spawn: SpawnNative[\'spawn\'];',
    'readonly target: string;',
    '}',
    '',
    `export const native: Native = loadNative<Native>(${str(model.target.name)});`,
  ].join('\n');
}

function wrapperDoc(model: LinuxTargetModel, s: SyscallModel, isAsync: boolean): string[] {
  const lines = [`${s.kernelName ?? s.name}(2): syscall ${s.invoke.nr} on ${model.target.name} (kernel entry ${s.invoke.entry}).`];
  if (s.doc) lines.push(s.doc);
  if (s.unsafeReason) lines.push(`Unsafe: ${s.unsafeReason}.`);
  if (!isAsync && s.blocking) lines.push(`Blocking: \`async.${s.name}\` runs it on the libuv thread pool.`);
  lines.push('@throws SyscallError when the kernel returns an error.');
  return lines;
}

function wrappersFile(model: LinuxTargetModel, isAsync: boolean): string {
  const body: string[] = [];
  for (const s of model.syscalls.filter((x) => !isAsync || x.blocking)) {
    const plan = planCall(s);
    const call = `native.${s.name}${isAsync ? '_async' : ''}(${plan.nativeArgs.join(', ')})`;
    const ret = isAsync ? `Promise<${plan.returnType}>` : plan.returnType;
    body.push(
      '',
      doc(wrapperDoc(model, s, isAsync)),
      `export ${isAsync ? 'async ' : ''}function ${s.name}(${renderParams(plan)}): ${ret} {`,
      ...renderFallbacks(plan),
      ...plan.prelude,
      `const r = ${isAsync ? 'await ' : ''}${call};`,
      ...plan.epilogue,
      '}',
    );
  }
  const aliases = model.syscalls.filter((x) => x.alias && (!isAsync || x.blocking)).map((x) => `${x.name} as ${x.alias}`);
  if (aliases.length > 0) body.push('', doc(['Portable names: the variant this target binds under the name other targets use.']), `export { ${aliases.join(', ')} };`);
  const text = body.join('\n');
  return [
    `import { native } from './native.js';`,
    `import { syscallError } from './errno.js';`,
    importUsed(['arrayBytes', 'intCell', 'refCell', 'structBytes', 'splitInt64'], `${RUNTIME}/args.js`, text),
    importUsed(['Bytes'], `${RUNTIME}/args.js`, text, true),
    importUsed(['StructArray'], `${RUNTIME}/struct.js`, text, true),
    importUsed(['sealStructs'], `${RUNTIME}/struct.js`, text),
    importUsed(model.structs.map((s) => s.tsName), './structs.js', text),
    text,
  ].join('\n');
}

function indexFile(model: LinuxTargetModel): string {
  return [
    doc(['The target this module binds.']),
    `export const target = ${str(model.target.name)};`,
    `export * from './constants.js';`,
    `export * from './structs.js';`,
    `export * from './syscalls.js';`,
    `export * as async from './async.js';`,
    `export { errnoTable } from './errno.js';`,
    `export { SyscallError } from ${str(`${RUNTIME}/errors.js`)};`,
    `export { Struct, StructArray } from ${str(`${RUNTIME}/struct.js`)};`,
    `import { native } from './native.js';`,
    `import { syscallError } from './errno.js';`,
    `import { spawnWith, type SpawnOptions, type Spawned } from ${str(`${RUNTIME}/spawn.js`)};`,
    `export type { SpawnFdAction, SpawnOptions, Spawned } from ${str(`${RUNTIME}/spawn.js`)};`,
    '',
    doc([
      'Any syscall by number with raw integer arguments (addresses included): nothing',
      'is checked, so a wrong pointer can crash the process. Returns the raw result,',
      'or -errno, as a bigint.',
    ]),
    `export function unsafe_syscall(nr: number, ...args: (number | bigint)[]): bigint {`,
    `  return native.unsafe_syscall(nr, ...args);`,
    `}`,
    '',
    doc([
      'Starts the program at `path` (no PATH search, as execve) in a new process, with',
      '`argv` and `envp` as given, in one native call (posix_spawn: the runtime is never',
      'forked). The child starts with no standard signal blocked or ignored, inherits',
      'descriptors 0-2 and those not close-on-exec; `options` set its working directory,',
      'session and descriptor actions. Returns its pid and a pidfd: wait with',
      '`waitid_pidfd`, signal with `pidfd_send_signal`.',
      '@throws SyscallError when the program could not be started (ENOENT, EACCES, …).',
    ]),
    `export function spawn(path: string, argv: readonly string[], envp: readonly string[], options?: SpawnOptions): Spawned {`,
    `  return spawnWith(native, syscallError, path, argv, envp, options);`,
    `}`,
  ].join('\n');
}

export function emitTsApi(model: LinuxTargetModel, banner: string): EmittedFile[] {
  // [name, text, siblings it imports if it is target-independent]
  const files: [string, string, string[]?][] = [
    ['constants.ts', constantsFile(model), []],
    ['errno.ts', errnoFile(model), []],
    ['structs.ts', structsFile(model)],
    ['native.ts', nativeFile(model)],
    ['syscalls.ts', wrappersFile(model, false)],
    ['async.ts', wrappersFile(model, true)],
    ['index.ts', indexFile(model)],
  ];
  return files.map(([name, text, siblings]) => ({ name, text: formatTs(name, `// ${banner}\n${text}\n`), siblings }));
}
