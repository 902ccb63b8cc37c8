/**
 * Emits generated/index.ts, the package entry: `import * as sys from 'sysbind'`
 * gives the host's API on any generated target.
 *
 * Types: a module's exports need one static type, but targets differ (st_size is
 * a bigint on 64-bit targets and a number on 32-bit ones; poll does not exist on
 * arm64). Unions of every target's types make struct classes and functions
 * taking them unusable, so the entry is typed as one reference target's API
 * (specs/targets.yaml `typesFrom`), while every value comes from the host at run
 * time. A name the host lacks is a function that throws, naming the target.
 * Exact types for any target: `import * as arm64 from 'sysbind/linux-arm64'`.
 */
import { RUNTIME_FROM_INDEX } from './ts-runtime.js';
import { formatTs, str } from './ts-text.js';

export interface TargetExports {
  target: string;
  /** Value names the target's index exports (functions, constants, classes). */
  values: string[];
  /** Names that are classes: exported as both a value and an instance type. */
  classes: string[];
}

const ident = (t: string) => t.replace(/-/g, '_');

export function emitHostIndex(targets: TargetExports[], reference: string, banner: string): string {
  const names = targets.map((t) => t.target);
  const ref = targets.find((t) => t.target === reference) ?? targets[0]!;
  const refId = ident(ref.target);
  const lines = [
    `// ${banner}`,
    ...names.map((t) => `import * as ${ident(t)} from ${str(`./${t}/index.js`)};`),
    `import { missingOnHost } from ${str(`${RUNTIME_FROM_INDEX}/native-loader.js`)};`,
    '',
    `/** Every target this package was generated for. */`,
    `export const targets = { ${names.map((t) => `${str(t)}: ${ident(t)}`).join(', ')} } as const;`,
    `export type TargetName = keyof typeof targets;`,
    '',
    `const host = \`\${process.platform}-\${process.arch}\`;`,
    `if (!Object.hasOwn(targets, host)) {`,
    `  throw new Error(\`sysbind: no binding was generated for \${host}; generated: ${names.join(', ')}\`);`,
    `}`,
    `/** The host's whole API, typed as any target's (check \`sys.target\` before using a target-only name). */`,
    `export const sys = targets[host as TargetName] as ${names.map((t) => `typeof ${ident(t)}`).join(' | ')};`,
    `const api = sys as unknown as Record<string, unknown>;`,
    `const pick = <T>(name: string): T => (api[name] ?? missingOnHost(name, host)) as T;`,
    '',
    `// Typed as ${ref.target}; values are the host's.`,
    `export const async: typeof ${refId}.async = pick('async');`,
    ...ref.values.map((n) => `export const ${n}: typeof ${refId}.${n} = pick(${str(n)});`),
    ...ref.classes.map((n) => `export type ${n} = ${refId}.${n};`),
    `export type SyscallError = ${refId}.SyscallError;`,
    `export type Struct = ${refId}.Struct;`,
    `export type { SpawnFdAction, SpawnOptions, Spawned } from './runtime/spawn.js';`,
  ];
  return formatTs('index.ts', lines.join('\n') + '\n');
}
