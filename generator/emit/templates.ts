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
  // templates/cpp/args/<kind>.hbs: how one argument kind is converted, as partial `arg-<kind>`;
  // templates/cpp/shared/<name>.hbs: C++ both platforms' runtimes include, as partial `shared-<name>`.
  for (const [folder, prefix] of [['args', 'arg'], ['shared', 'shared']] as const) {
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
