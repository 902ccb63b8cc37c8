/**
 * One selector syntax for every per-target variant in the specs: semantics.yaml
 * `skip:`/`byArch:` keys, kernel-typedefs.yaml `byArch:`/`byDataModel:` keys,
 * prototypes.json `byArch:` keys, the struct variants' `when:` lists in
 * specs/linux/types, and Win32's `architectures` lists.
 *
 * A selector names targets by, from most to least specific (the precedence):
 *   1. a target name         linux-arm64, win32-x64
 *   2. kernelArch/bits       x86/32, x86/64, arm/32        (Linux targets)
 *   3. kernelArch            x86, arm64, powerpc, mips     (Linux targets)
 *   4. a Node arch           x64, ia32, arm64, ppc64, …
 *   5. a data model          LP64, ILP32, LLP64
 *   6. a platform            linux, win32
 * A map keyed by selectors gives a target the value of its most specific key;
 * a list of selectors applies to a target any of them names. A selector that
 * names no target of specs/targets.yaml is an error at its place.
 */
import { SpecError, type Place } from '../errors.js';
import type { Target } from './targets.js';

/** The selectors that name `target`, most specific first. */
export function selectorsOf(target: Target): string[] {
  const bits = target.dataModel === 'ILP32' ? 32 : 64;
  const kernel = target.kernelArch ? [`${target.kernelArch}/${bits}`, target.kernelArch] : [];
  return [...new Set([target.name, ...kernel, target.arch, target.dataModel, target.platform])];
}

/** The most specific key of `map` that names the target, with its value. */
export function pickBySelector<T>(map: Record<string, T> | undefined, target: Target): { key: string; value: T } | undefined {
  if (!map) return undefined;
  for (const key of selectorsOf(target)) if (Object.hasOwn(map, key)) return { key, value: map[key]! };
  return undefined;
}

/** Whether any selector of the list names the target (an absent list names every target). */
export function selectsTarget(list: readonly string[] | undefined, target: Target): boolean {
  if (!list) return true;
  const mine = selectorsOf(target);
  return list.some((s) => mine.includes(s));
}

/** Every selector that names at least one of `targets`. */
export function knownSelectors(targets: readonly Target[]): Set<string> {
  return new Set(targets.flatMap(selectorsOf));
}

/** Throws at `place(selector)` for the first selector that names none of `targets`. */
export function checkSelectors(selectors: Iterable<string>, targets: readonly Target[], what: string, place: (selector: string) => Place): void {
  const known = knownSelectors(targets);
  for (const s of selectors) {
    if (known.has(s)) continue;
    throw new SpecError(
      `${what} '${s}' matches no target (a selector is a target name, kernelArch/32|64, kernelArch, Node arch, data model or platform: ${[...known].sort().join(', ')})`,
      place(s),
    );
  }
}
