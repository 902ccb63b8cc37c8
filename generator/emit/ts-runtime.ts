/**
 * The consumer runtime: the hand-written TypeScript every generated module
 * imports (errors, struct views, argument checks, the addon loader, Win32
 * helpers). Its source is templates/runtime/; generation copies it, bannered,
 * into generated/runtime/ so the generated package needs nothing from the
 * generator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBanner } from './banner.js';

/** Import path of the runtime from a generated/<folder>/ module. */
export const RUNTIME_FROM_TARGET = '../runtime';
/** Import path of the runtime from generated/index.ts. */
export const RUNTIME_FROM_INDEX = './runtime';

export function emitTsRuntime(root: string, version: string): Map<string, string> {
  const dir = join(root, 'templates', 'runtime');
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const source = join(dir, name);
    const banner = makeBanner({ version, command: 'sysbind generate', inputs: [source], root }).line;
    files.set(name, `// ${banner}\n${readFileSync(source, 'utf8')}`);
  }
  return files;
}
