/**
 * Handlebars set-up: one isolated instance with the project's C++ partials
 * (templates/cpp/<folder>/*.hbs) registered as `<folder>-<file name>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

let instance: typeof Handlebars | undefined;

function handlebars(): typeof Handlebars {
  if (instance) return instance;
  const hb = Handlebars.create();
  // args/<kind>: how one argument kind is converted (`arg-<kind>`); shared/<name>: C++ the runtime
  // header includes; invoke/<via>: how a call reaches the system; failure/<capture>: what is read
  // right after it; platform/<platform>-<part>: what one platform's binding.cc adds around the calls.
  for (const [folder, prefix] of [['args', 'arg'], ['shared', 'shared'], ['invoke', 'invoke'], ['failure', 'failure'], ['platform', 'platform']] as const) {
    const dir = join(TEMPLATES_DIR, 'cpp', folder);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs')).sort()) {
      hb.registerPartial(`${prefix}-${f.replace(/\.hbs$/, '')}`, readFileSync(join(dir, f), 'utf8'));
    }
  }
  instance = hb;
  return hb;
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders templates/<name> with the given view; `noEscape` since the output is C, not HTML. */
export function render(name: string, view: object): string {
  let t = compiled.get(name);
  if (!t) {
    t = handlebars().compile(readFileSync(join(TEMPLATES_DIR, name), 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, t);
  }
  return t(view);
}
