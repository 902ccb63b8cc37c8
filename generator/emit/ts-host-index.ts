/**
 * Emits generated/index.ts, the package entry: it imports every generated
 * target's API and re-exports the host's under one set of names, so
 * `import * as sys from 'sysbind'` works on any supported machine. Names are
 * those every generated target has; the type of each is the union over
 * targets (values such as O_DIRECTORY differ per arch and come from the host).
 */
import { EmitError } from '../errors.js';
import { formatTs } from './ts-text.js';

export function emitHostIndex(targets: string[], banner: string): string {
  const ident = (t: string) => t.replace(/-/g, '_');
  const lines = [
    `// ${banner}`,
    ...targets.map((t) => `import * as ${ident(t)} from './${t}/index.js';`),
    '',
    `/** Every target this package was generated for. */`,
    `export const targets = { ${targets.map((t) => `'${t}': ${ident(t)}`).join(', ')} } as const;`,
    `export type TargetName = keyof typeof targets;`,
    `type Api = ${targets.map((t) => `typeof ${ident(t)}`).join(' | ')};`,
    '',
    `const host = \`\${process.platform}-\${process.arch}\`;`,
    `if (!(host in targets)) {`,
    `  throw new Error(\`sysbind: no binding was generated for \${host}; generated: ${targets.join(', ')}\`);`,
    `}`,
    `/** The host's API (also available per target as \`targets['linux-x64']\`). */`,
    `export const sys: Api = targets[host as TargetName];`,
  ];
  if (targets.length === 1) {
    // With one target the host API is that target's module: re-export it whole,
    // so value and type names (struct classes) keep their exact types.
    lines.push(`export * from './${targets[0]}/index.js';`);
  } else {
    throw new EmitError(`a host index over several targets (${targets.join(', ')}) is not implemented yet`);
  }
  return formatTs('index.ts', lines.join('\n') + '\n');
}
