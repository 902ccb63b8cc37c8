/**
 * The one selector syntax (generator/spec/selectors.ts): on every target of
 * specs/targets.yaml, a map of selectors gives the most specific key's value
 * (target name, then kernelArch/bits, kernelArch, Node arch, data model,
 * platform), a list applies where any of its selectors names the target, and
 * a selector naming no target is refused with its place.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../generator/errors.js';
import { checkSelectors, pickBySelector, selectsTarget } from '../../generator/spec/selectors.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';

const targets = loadTargets(join(ROOT, 'specs')).targets;

describe('selectors', () => {
  for (const t of targets) {
    const bits = t.dataModel === 'ILP32' ? 32 : 64;
    // From most to least specific: removing the winner each time must reveal the next.
    const ladder = [t.name, ...(t.kernelArch ? [`${t.kernelArch}/${bits}`, t.kernelArch] : []), t.arch, t.dataModel, t.platform];

    it(`${t.name}: the most specific key wins, in the written order`, () => {
      const keys = [...new Set(ladder)];
      for (let i = 0; i < keys.length; i++) {
        const map = Object.fromEntries(keys.slice(i).map((k) => [k, k]));
        expect(pickBySelector(map, t)?.key).toBe(keys[i]);
      }
      expect(pickBySelector({ 'no-such-target': 1 }, t)).toBeUndefined();
    });

    it(`${t.name}: a list applies when any selector names it`, () => {
      expect(selectsTarget(undefined, t)).toBe(true);
      expect(selectsTarget(['no-such', t.dataModel], t)).toBe(true);
      const others = targets.filter((o) => o.platform !== t.platform).map((o) => o.name);
      expect(selectsTarget(others, t)).toBe(false);
    });
  }

  it('refuses a selector that names no target, at its place', () => {
    expect(() => checkSelectors(['x86/32', 'x68'], targets, 'thing: key', () => ({ file: 'f.yaml', line: 7 }))).toThrow(SpecError);
    expect(() => checkSelectors(['x68'], targets, 'thing: key', () => ({ file: 'f.yaml', line: 7 }))).toThrow(/thing: key 'x68' matches no target/);
    expect(() => checkSelectors(['x86/32', 'LLP64', 'linux', 'win32-arm64'], targets, 'thing: key', () => ({ file: 'f.yaml', line: 7 }))).not.toThrow();
  });
});
