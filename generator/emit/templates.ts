/**
 * Handlebars set-up: one isolated instance with the project's partials
 * (templates/cpp/args/*.hbs, templates/cpp/shared/*.hbs) registered by file name.
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
  // templates/cpp/args/<kind>.hbs: how one argument kind is converted, as partial `arg-<kind>`.
  const dir = join(TEMPLATES_DIR, 'cpp', 'args');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs')).sort()) {
    hb.registerPartial(`arg-${f.replace(/\.hbs$/, '')}`, readFileSync(join(dir, f), 'utf8'));
  }
  // templates/cpp/shared/<name>.hbs: C++ both platforms' runtimes include, as partial `shared-<name>`.
  const shared = join(TEMPLATES_DIR, 'cpp', 'shared');
  for (const f of readdirSync(shared).filter((x) => x.endsWith('.hbs')).sort()) {
    hb.registerPartial(`shared-${f.replace(/\.hbs$/, '')}`, readFileSync(join(shared, f), 'utf8'));
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
