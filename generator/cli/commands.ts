/**
 * The CLI's commands, each a thin wrapper around one stage module.
 */
import type { ParseArgsConfig } from 'node:util';
import { buildAddon } from '../build-addon.js';
import { generate } from '../generate.js';
import { hostTargetName } from '../spec/targets.js';

export interface Context {
  root: string;
}

export interface Command {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[], ctx: Context): Promise<number>;
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).filter(Boolean);

export const commands: Record<string, Command> = {
  generate: {
    summary: 'generate bindings into generated/<target>/ from specs/',
    help: [
      'usage: sysbind generate [--target T]... [--all]',
      '',
      '  --target T   generate target T (repeatable, or comma-separated); default: every target',
      '               marked `generate: true` in specs/targets.yaml',
      '  --all        the same as the default',
      '',
      'Writes binding.cc, the TypeScript API and audit.c per target. A failed run changes nothing.',
    ].join('\n'),
    options: { target: { type: 'string', multiple: true }, all: { type: 'boolean' } },
    async run(values, _pos, ctx) {
      const started = Date.now();
      const results = generate({ root: ctx.root, targets: values.all ? [] : list(values.target), log: (l) => console.error(l) });
      const totals = results.reduce((a, r) => ({ s: a.s + r.syscalls, c: a.c + r.constants, t: a.t + r.structs }), { s: 0, c: 0, t: 0 });
      console.log(
        `generated ${results.length} target${results.length === 1 ? '' : 's'} (${results.map((r) => r.target).join(', ')}): ` +
          `${totals.s} syscalls, ${totals.c} constants, ${totals.t} structs in ${Date.now() - started} ms`,
      );
      return 0;
    },
  },
  build: {
    summary: "compile the host's addon (build/Release/sysbind.node) with cmake-js",
    help: ['usage: sysbind build [--target T]', '', "  --target T   the target whose generated/T/binding.cc to build (default: the host's)"].join('\n'),
    options: { target: { type: 'string' } },
    async run(values, _pos, ctx) {
      const target = (values.target as string | undefined) ?? hostTargetName();
      const out = buildAddon({ root: ctx.root, target });
      console.log(`built ${out}`);
      return 0;
    },
  },
};
