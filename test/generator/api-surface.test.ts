// Refactors of the generator must not change what consumers see: every target's
// exported names and their .d.ts types equal the surface recorded in
// test/generator/api-surface/ (recorded from the generator before the stages were
// merged into one pipeline). An intentional change is made by re-recording
// (`npx tsx test/generator/api-surface.ts --write`) so that it shows in review.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SURFACE_DIR, apiSurfaces, generatedTargets } from './api-surface.js';

describe('generated API surface', () => {
  const surfaces = apiSurfaces();

  it('covers every generated target and the host entry', () => {
    expect([...surfaces.keys()].sort()).toEqual([...generatedTargets(), 'index'].sort());
  });

  for (const name of [...generatedTargets(), 'index']) {
    it(`${name}: names and signatures are the recorded ones`, () => {
      const recorded = readFileSync(join(SURFACE_DIR, `${name}.txt`), 'utf8').split('\n');
      const now = (surfaces.get(name) ?? '').split('\n');
      const [was, is] = [new Set(recorded), new Set(now)];
      const added = now.filter((l) => !was.has(l));
      const removed = recorded.filter((l) => !is.has(l));
      expect({ added, removed }).toEqual({ added: [], removed: [] });
    });
  }
}, 120_000);
