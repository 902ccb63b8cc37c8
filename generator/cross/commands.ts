/**
 * The CLI commands of the cross stage: `sysbind prebuild` (every target's
 * addon into prebuilds/, for a release) and `sysbind matrix` (the measured
 * target matrix, on the terminal and as Markdown).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from '../cli/commands.js';
import { SysbindError, ToolchainError } from '../errors.js';
import { loadTargets } from '../spec/targets.js';
import { runMatrix } from './matrix.js';
import { matrixFailed, renderMarkdown, renderTerminal } from './matrix-report.js';
import { buildPrebuild, prebuildCompiler } from './prebuild.js';
import { onPath } from './tools.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).filter(Boolean);

export const crossCommands: Record<string, Command> = {
  prebuild: {
    summary: "build every target's addon into prebuilds/<target>/sysbind.node (cross compilers, no downloads)",
    help: [
      'usage: sysbind prebuild [--target T]...',
      '',
      '  --target T   build target T (repeatable, or comma-separated); default: every generated target',
      '',
      "The host's target builds natively; other Linux targets with Debian's <triple>-g++ and a CMake",
      'toolchain file rendered from specs/targets.yaml into build/cross/<target>/; Windows targets with',
      'mingw-w64 (generator/build-win32.ts). A target whose compiler is not installed is skipped (a',
      'failure under CI=true). A release is `npm run prebuilds && npm pack` (the tarball carries prebuilds/).',
    ].join('\n'),
    options: { target: { type: 'string', multiple: true } },
    async run(values, _pos, ctx) {
      const matrix = loadTargets(join(ctx.root, 'specs'));
      const names = list(values.target);
      const targets = names.length > 0 ? names.map((n) => matrix.get(n)) : matrix.targets.filter((t) => t.generate);
      let failed = 0;
      for (const t of targets) {
        try {
          const p = buildPrebuild(ctx.root, t);
          console.log(`${t.name.padEnd(15)} ${relative(ctx.root, p.file)}  ${p.compiler}  ${(p.ms / 1000).toFixed(1)} s`);
        } catch (e) {
          if (!(e instanceof SysbindError)) throw e;
          const missing = e instanceof ToolchainError && !onPath(prebuildCompiler(t)) && process.env.CI !== 'true';
          if (!missing) failed++;
          console.error(`${t.name.padEnd(15)} ${missing ? 'skipped' : 'FAILED'}: ${e.message}`);
        }
      }
      return failed > 0 ? 1 : 0;
    },
  },
  matrix: {
    summary: 'per target: generated, audit, built, ran under emulation, tests passed/failed, with times',
    help: [
      'usage: sysbind matrix [--target T]... [--markdown FILE]',
      '',
      '  --target T       only these targets (repeatable); default: every target in specs/targets.yaml',
      '  --markdown FILE  where to write the Markdown report (default: build/matrix.md)',
      '',
      "Builds prebuilds/, fetches each target's Node from npm into node_modules/.cache/cross-node/, and runs",
      'the compiled suite under qemu (targets without a Node on npm: their C smoke program).',
      'Exit status 1 when a step failed. A missing toolchain skips a step, or fails it under CI=true.',
    ].join('\n'),
    options: { target: { type: 'string', multiple: true }, markdown: { type: 'string' } },
    async run(values, _pos, ctx) {
      const m = await runMatrix({ root: ctx.root, targets: list(values.target), log: (l) => console.error(l) });
      console.log(renderTerminal(m));
      const file = (values.markdown as string | undefined) ?? join(ctx.root, 'build', 'matrix.md');
      mkdirSync(dirname(file), { recursive: true });
      const args = list(values.target).map((t) => ` --target ${t}`).join('');
      writeFileSync(file, renderMarkdown(m, { command: `sysbind matrix${args}`, date: new Date().toISOString().slice(0, 10) }));
      console.log(`\nMarkdown: ${relative(process.cwd(), file) || file}`);
      return matrixFailed(m) ? 1 : 0;
    },
  },
};
