/**
 * Compares two constants files (specs/linux/constants/<target>.json) by what a
 * binding depends on: every family's rules and every constant's name, value,
 * alias and description. Provenance (compiler, header package versions) is
 * reported separately: a distribution's security rebuild changes a package
 * revision without changing one value, and that must not read as drift.
 */

export interface ConstantsFile {
  source: { compiler: string; headers: Record<string, string> };
  families: Record<
    string,
    { follows: string; headers: string[]; constants: { name: string; value: number | string; alias?: string; description?: string }[] }
  >;
}

export interface ConstantsComparison {
  /** Differences in content, each naming the target, family, constant and both sides. Empty when equal. */
  differences: string[];
  /** Differences in provenance only (compiler or header package versions). */
  provenance: string[];
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** `before` is the checked-in file, `after` a fresh import; `target` names both in messages. */
export function compareConstantsFiles(target: string, before: ConstantsFile, after: ConstantsFile): ConstantsComparison {
  const differences: string[] = [];
  const provenance: string[] = [];

  if (before.source.compiler !== after.source.compiler) {
    provenance.push(`${target}: compiler ${before.source.compiler} → ${after.source.compiler}`);
  }
  for (const pkg of new Set([...Object.keys(before.source.headers), ...Object.keys(after.source.headers)])) {
    const [b, a] = [before.source.headers[pkg], after.source.headers[pkg]];
    if (b !== a) provenance.push(`${target}: ${pkg} ${b ?? '(absent)'} → ${a ?? '(absent)'}`);
  }

  for (const family of new Set([...Object.keys(before.families), ...Object.keys(after.families)])) {
    const [fb, fa] = [before.families[family], after.families[family]];
    if (!fb || !fa) {
      differences.push(`${target}: family ${family} is ${fb ? 'no longer imported' : 'new'}`);
      continue;
    }
    if (fb.follows !== fa.follows) differences.push(`${target}: family ${family} follows ${fb.follows} → ${fa.follows}`);
    if (fb.headers.join(',') !== fa.headers.join(',')) {
      differences.push(`${target}: family ${family} headers ${fb.headers.join(',')} → ${fa.headers.join(',')}`);
    }
    const reported = differences.length;
    const beforeByName = new Map(fb.constants.map((c) => [c.name, c]));
    const afterByName = new Map(fa.constants.map((c) => [c.name, c]));
    for (const [name, cb] of beforeByName) {
      const ca = afterByName.get(name);
      if (!ca) {
        differences.push(`${target}: ${family}.${name} (checked in as ${show(cb.value)}) is no longer imported`);
        continue;
      }
      for (const key of ['value', 'alias', 'description'] as const) {
        if (cb[key] !== ca[key]) differences.push(`${target}: ${family}.${name} ${key} is ${show(cb[key])} checked in, ${show(ca[key])} imported`);
      }
    }
    for (const [name, ca] of afterByName) {
      if (!beforeByName.has(name)) differences.push(`${target}: ${family}.${name} = ${show(ca.value)} is imported but not checked in`);
    }
    const order = (cs: { name: string }[]): string => cs.map((c) => c.name).join(',');
    if (differences.length === reported && order(fb.constants) !== order(fa.constants)) {
      differences.push(`${target}: family ${family} lists its constants in a different order`);
    }
  }
  return { differences, provenance };
}
