/**
 * The `sysbind` command line: parses arguments and runs one stage. Input
 * problems (SysbindError) print `file:line: message` and exit 2; anything else
 * is a bug and exits 1 with its stack.
 */
import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SysbindError } from '../errors.js';
import { commands, type Command } from './commands.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  sysbind ${name.padEnd(14)} ${c.summary}`);
  return ['usage: sysbind <command> [options]', '', ...rows, '', 'Run `sysbind <command> --help` for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd: Command | undefined = commands[name];
  if (!cmd) {
    console.error(`sysbind: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`sysbind ${name}: ${(e as Error).message}\n\n${cmd.help}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(parsed.values as Record<string, unknown>, parsed.positionals, { root: process.env.SYSBIND_ROOT ?? ROOT });
  } catch (e) {
    if (e instanceof SysbindError) {
      console.error(`sysbind ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
