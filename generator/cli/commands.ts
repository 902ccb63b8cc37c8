/**
 * The CLI's commands, each a thin wrapper around one stage module.
 */
import type { ParseArgsConfig } from 'node:util';
import { SysbindError } from '../errors.js';
import { buildAddon } from '../build-addon.js';
import { generate } from '../generate.js';
import { hostTargetName, loadTargets } from '../spec/targets.js';
import { auditTarget, formatAudit } from '../audit/run-audit.js';
import { importLinux } from '../import/linux/import-linux.js';
import { defaultSelectionFile, importWin32 } from '../import/win32/import-win32.js';
import { runDiff } from '../diff/diff-command.js';
import { layoutCommand } from './layout-command.js';
import { crossCommands } from '../cross/commands.js';
import { buildPrebuild } from '../cross/prebuild.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

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
      const sum = (calls: string, key: 'safe' | 'unsafe') => results.filter((r) => r.calls === calls).reduce((n, r) => n + r[key], 0);
      const calls = (['syscalls', 'functions'] as const)
        .filter((c) => results.some((r) => r.calls === c))
        .map((c) => `${sum(c, 'safe') + sum(c, 'unsafe')} ${c} (${sum(c, 'unsafe')} unsafe_)`);
      const constants = results.reduce((n, r) => n + r.constants, 0);
      const structs = results.reduce((n, r) => n + r.structs, 0);
      console.log(
        `generated ${results.length} target${results.length === 1 ? '' : 's'} (${results.map((r) => r.target).join(', ')}): ` +
          `${calls.join(', ')}, ${constants} constants, ${structs} structs in ${Date.now() - started} ms`,
      );
      return 0;
    },
  },
  build: {
    summary: "compile the host's addon (build/Release/sysbind.node), or cross-build another target's prebuild",
    help: [
      'usage: sysbind build [--target T]',
      '',
      "  --target T   the target whose generated/T/binding.cc to build (default: the host's); another",
      '               target is cross-built into prebuilds/T/sysbind.node (see `sysbind prebuild`)',
    ].join('\n'),
    options: { target: { type: 'string' } },
    async run(values, _pos, ctx) {
      const target = (values.target as string | undefined) ?? hostTargetName();
      const out = target === hostTargetName() ? buildAddon({ root: ctx.root, target }) : buildPrebuild(ctx.root, loadTargets(join(ctx.root, 'specs')).get(target)).file;
      console.log(`built ${out}`);
      return 0;
    },
  },
  audit: {
    summary: "check generated numbers, constants and layouts against each target's real compiler",
    help: [
      'usage: sysbind audit [--target T]... [--all] [--json]',
      '',
      '  --target T   audit target T (repeatable); default: every target with a generated folder',
      '  --all        the same as the default',
      '  --json       print the findings as JSON',
      '',
      'Exit status: 0 clean, 1 mismatches or compiler errors, 2 bad usage or a missing toolchain.',
    ].join('\n'),
    options: { target: { type: 'string', multiple: true }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    async run(values, _pos, ctx) {
      const matrix = loadTargets(join(ctx.root, 'specs'));
      const names = list(values.target);
      const targets = names.length > 0 && !values.all ? names.map((n) => matrix.get(n)) : matrix.targets.filter((t) => existsSync(join(ctx.root, 'generated', t.name, 'audit.c')));
      const results = [];
      for (const t of targets) results.push(await auditTarget(ctx.root, t));
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else for (const r of results) console.log(formatAudit(r));
      return results.some((r) => r.mismatches.length > 0 || r.errors.length > 0) ? 1 : 0;
    },
  },
  import: {
    summary: 'import specs: `import linux --kernel-src <dir|tarball>`, `import win32 --metadata <dir> --select <file|names|all>`',
    help: [
      'usage: sysbind import linux --kernel-src <dir or .tar.xz>',
      '       sysbind import win32 --metadata <dir> [--select <selection.yaml | Name,Name | all>] [--out <dir>]',
      '',
      "  linux: writes specs/linux/syscalls/<target>.json and prototypes.json from the kernel tree, and",
      "  specs/linux/constants/<target>.json from each target's installed uapi headers (compiled",
      '  with its cross compiler). Hand-curated files (semantics.yaml, types/) are not touched.',
      '  win32: reads Win32 metadata (JSON per namespace) and writes, for the selected functions and',
      '  every type they need, specs/win32/functions/<dll>.json, types.json and constants.json',
      '  (or into --out). --select defaults to specs/win32/selection.yaml; `all` takes everything.',
    ].join('\n'),
    options: {
      'kernel-src': { type: 'string' },
      'skip-constants': { type: 'boolean' },
      metadata: { type: 'string' },
      select: { type: 'string' },
      out: { type: 'string' },
    },
    async run(values, pos, ctx) {
      if (pos[0] === 'win32') {
        const metadataDir = values.metadata as string | undefined;
        if (!metadataDir) throw new SysbindError('import win32: --metadata <dir holding api/ and version.txt> is required');
        const r = importWin32({
          root: ctx.root,
          metadataDir,
          select: (values.select as string | undefined) ?? defaultSelectionFile(ctx.root),
          ...(values.out ? { outDir: values.out as string } : {}),
          log: (l) => console.error(l),
        });
        if (r.silent.length > 0) {
          const some = r.silent.slice(0, 8).join(', ') + (r.silent.length > 8 ? ', …' : '');
          console.error(`note: for ${r.silent.length} functions the metadata does not say how they report failure (a convention is needed to bind them): ${some}`);
        }
        console.log(
          `imported win32metadata ${r.metadata}: ${r.functions} functions from ${r.dlls} DLLs, ${r.structs} structs, ${r.unions} unions, ` +
            `${r.enums} enums (${r.enumValues} values), ${r.typedefs} typedefs, ${r.callbacks} callbacks, ${r.interfaces} interfaces, ` +
            `${r.constants} constants in ${r.ms} ms`,
        );
        return 0;
      }
      if (pos[0] !== 'linux') throw new SysbindError(`import: unknown source '${pos[0] ?? ''}' (known: linux, win32)`);
      const kernelSrc = values['kernel-src'] as string | undefined;
      if (!kernelSrc) throw new SysbindError('import linux: --kernel-src <dir or tarball> is required');
      await importLinux({ root: ctx.root, kernelSrc, constants: !values['skip-constants'], log: (l) => console.error(l) });
      return 0;
    },
  },
  diff: {
    summary: 'what changed between two specs folders or kernel trees, per target',
    help: [
      'usage: sysbind diff <old> <new> [--markdown]',
      '',
      '  <old>, <new>  a specs folder (holding targets.yaml), or a kernel source tree or tarball',
      '                (imported into a scratch copy of specs/ first)',
      '  --markdown    print Markdown instead of the terminal report',
      '',
      'Per target: syscalls added, removed, renumbered, with changed prototypes; constants added/removed/changed.',
    ].join('\n'),
    options: { markdown: { type: 'boolean' } },
    async run(values, pos, ctx) {
      if (pos.length !== 2) throw new SysbindError('diff: give exactly two sides: <old> <new>');
      console.log(await runDiff(ctx.root, pos[0]!, pos[1]!, !!values.markdown, (l) => console.error(l)));
      return 0;
    },
  },
  layout: layoutCommand,
  ...crossCommands,
};
