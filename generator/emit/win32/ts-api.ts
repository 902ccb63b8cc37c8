/**
 * Emits the TypeScript API of a Windows target: types.ts (handles, enums,
 * constants), structs.ts, error-names.ts (code → name tables), errors.ts (the
 * error factories),
 * native.ts (the addon's raw interface), one module per DLL (kernel32.ts, …)
 * with the typed wrappers, and index.ts. Each file's text is assembled here,
 * then checked to parse and indented by its brackets (reindentTs: the formatter was most of the generation time).
 */
import type { Win32Function, Win32TargetModel } from '../../model/win32.js';
import { doc, importUsed, reindentTs, str, type EmittedFile } from '../ts-text.js';
import { RUNTIME_FROM_TARGET as RUNTIME } from '../ts-runtime.js';
import { structsFile } from './ts-structs.js';
import { renderFallbacks, renderParams } from '../ts-plan.js';
import { planWrapper } from './ts-functions.js';
import { aliasNames, typesFile } from './ts-types.js';


/** The code → name tables: names only, the values are the constants of types.ts. */
function errorNamesFile(model: Win32TargetModel): string {
  const table = (name: string, what: string, map: Map<number, string>) => [
    doc([`${what}: code → name (the preferred name where several share a code).`]),
    `export const ${name}: CodeNames = codeNames(constants, [`,
    ...[...map.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => `  ${str(n)},`),
    ']);',
  ];
  const { lastError, ntstatus, hresult } = model.errorNames;
  return [
    `import { codeNames, type CodeNames } from ${str(`${RUNTIME}/win32.js`)};`,
    `import * as constants from './types.js';`,
    '',
    ...table('win32ErrorNames', 'Win32 error codes (GetLastError, WIN32_ERROR)', lastError),
    ...table('ntStatusNames', 'NTSTATUS codes (signed 32-bit values)', ntstatus),
    ...table('hresultNames', 'HRESULT codes (signed 32-bit values)', hresult),
  ].join('\n');
}

/** The error factories: the names tables and the addon's FormatMessage. */
function errorsFile(): string {
  return [
    `import { win32Errors } from ${str(`${RUNTIME}/win32.js`)};`,
    `import { win32ErrorNames, ntStatusNames, hresultNames } from './error-names.js';`,
    `import { native } from './native.js';`,
    '',
    `export const { win32Error, ntStatusError, hresultError } = win32Errors(`,
    `  { lastError: win32ErrorNames, ntstatus: ntStatusNames, hresult: hresultNames },`,
    `  (code, ntstatus) => native.formatMessage(code, ntstatus),`,
    `);`,
  ].join('\n');
}

function nativeFile(model: Win32TargetModel, aliases: ReadonlySet<string>): string {
  const methods = model.functions.map((f) => {
    const plan = planWrapper(f, model, aliases);
    return `${f.name}(${plan.nativeTypes.map((x) => `${x.name}: ${x.type}`).join(', ')}): ${plan.nativeReturn};`;
  });
  return [
    `import { loadNative } from ${str(`${RUNTIME}/native-loader.js`)};`,
    `import type { Bytes } from ${str(`${RUNTIME}/args.js`)};`,
    '',
    doc(['The C++ addon: raw results, no failure checks (see the DLL modules for those).']),
    'export interface Native {',
    ...methods,
    doc(['GetLastError() as read immediately after the latest call that sets it, on this thread.']),
    'lastError(): number;',
    doc(["Windows' message for a Win32 error code, or for an NTSTATUS (from ntdll's table)."]),
    'formatMessage(code: number, ntstatus: boolean): string;',
    'readonly target: string;',
    '}',
    '',
    `export const native: Native = loadNative<Native>(${str(model.target.name)});`,
  ].join('\n');
}

function wrapperDoc(f: Win32Function): string[] {
  const lines = [`${f.name} (${f.invoke.dll}, namespace ${f.namespace}${f.platform ? `, since ${f.platform}` : ''}).`, ...f.notes];
  if (f.notAnError.length > 0) lines.push(`Returns null (or false) instead of failing with ${f.notAnError.map((e) => e.name).join(', ')}.`);
  if (f.failure !== 'none') lines.push(`@throws ${f.failure === 'ntstatus' ? 'NtStatusError' : 'Win32Error'} when it fails.`);
  return lines;
}

function moduleFile(model: Win32TargetModel, module: string, aliases: ReadonlySet<string>): string {
  const body: string[] = [];
  for (const f of model.functions.filter((x) => x.invoke.module === module)) {
    const plan = planWrapper(f, model, aliases);
    body.push(
      '',
      doc(wrapperDoc(f)),
      `export function ${f.name}(${renderParams(plan)}): ${plan.returnType} {`,
      ...renderFallbacks(plan),
      ...plan.prelude,
      `${/\br\b/.test(plan.epilogue.join('\n')) ? 'const r = ' : ''}native.${f.name}(${plan.nativeArgs.join(', ')});`,
      ...plan.epilogue,
      '}',
    );
  }
  const text = body.join('\n');
  return [
    `import { native } from './native.js';`,
    importUsed(['win32Error', 'ntStatusError', 'hresultError'], './errors.js', text),
    importUsed(['structBytes', 'arrayBytes'], `${RUNTIME}/args.js`, text),
    importUsed(['StructArray'], `${RUNTIME}/struct.js`, text, true),
    importUsed(['Bytes'], `${RUNTIME}/args.js`, text, true),
    importUsed(['handleArray', 'intCell'], `${RUNTIME}/win32.js`, text),
    importUsed(model.records.map((r) => r.name), './structs.js', text),
    importUsed(aliases, './types.js', text, true),
    text,
  ].join('\n');
}

function indexFile(model: Win32TargetModel): string {
  return [
    doc(['The target this module binds.']),
    `export const target = ${str(model.target.name)};`,
    `export * from './types.js';`,
    `export * from './structs.js';`,
    ...model.modules.map((m) => `export * as ${m.module} from './${m.module}.js';`),
    `export { win32ErrorNames, ntStatusNames, hresultNames } from './error-names.js';`,
    `export { Win32Error, NtStatusError } from ${str(`${RUNTIME}/errors.js`)};`,
    `export { Struct, StructArray } from ${str(`${RUNTIME}/struct.js`)};`,
    `export { fromUtf16 } from ${str(`${RUNTIME}/win32.js`)};`,
    `import { native } from './native.js';`,
    '',
    doc([
      'GetLastError() as the binding read it immediately after the latest call (on this',
      'thread) of a function that sets it: unlike calling kernel32.GetLastError() from',
      'JavaScript, nothing the runtime did in between can have changed it.',
    ]),
    `export function lastError(): number {`,
    `  return native.lastError();`,
    `}`,
  ].join('\n');
}

export function emitWin32TsApi(model: Win32TargetModel, banner: string): EmittedFile[] {
  const aliases = aliasNames(model);
  const structs = structsFile(model, aliases);
  // [name, text, siblings it imports if it is target-independent]
  const files: [string, string, string[]?][] = [
    ['types.ts', typesFile(model), []],
    [
      'structs.ts',
      [
        importUsed(['Struct', 'checkInt', 'checkFloat', 'writeBytes', 'writeStruct'], `${RUNTIME}/struct.js`, structs),
        importUsed(['checkBool', 'checkFlags32', 'checkHandle', 'checkWide', 'readWString', 'writeWString'], `${RUNTIME}/win32.js`, structs),
        importUsed(aliases, './types.js', structs, true),
        structs,
      ].join('\n'),
    ],
    ['error-names.ts', errorNamesFile(model), ['types.ts']],
    ['errors.ts', errorsFile()],
    ['native.ts', nativeFile(model, aliases)],
    ...model.modules.map((m): [string, string] => [`${m.module}.ts`, moduleFile(model, m.module, aliases)]),
    ['index.ts', indexFile(model)],
  ];
  return files.map(([name, text, siblings]) => ({ name, text: reindentTs(name, `// ${banner}\n${text}\n`), siblings }));
}
