/**
 * The generated TypeScript of every target, the runtime, the generator and the
 * tests type-check under the project's strict tsconfig: a generated file that
 * parses but does not type-check would only fail later, in a user's build.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/root.js';

it('tsc --noEmit passes on the whole project', () => {
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', ROOT], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 180_000);
