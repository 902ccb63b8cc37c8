/**
 * The one C++ writer: renders templates/cpp/binding.cc.hbs from a binding
 * view. Each platform's view builder (cpp-syscalls.ts, win32/cpp-functions.ts)
 * says how each argument is converted (an `arg-*` partial), which checks run
 * between arguments, and how the call reaches the system (an `invoke-*` and a
 * `failure-*` partial); the function shape, the exports and the module set-up
 * are written once here and in the template. The checks both platforms make
 * are built by the helpers below, so their wording is one.
 */
import type { ArgView } from './cpp-args.js';
import { render } from './templates.js';

/** One JavaScript-visible function of the binding (a callable's sync or async form). */
export interface ModeView {
  fnName: string;
  jsName: string;
  /** The partial that makes the call: invoke-syscall, invoke-syscall-async, invoke-dll. */
  invoke: string;
}

/** What the template needs of every callable; invoke partials read the rest of their own view. */
export interface CallableView {
  name: string;
  /** The line above its functions: where it comes from. */
  comment: string;
  argc: number;
  argvSize: number;
  args: ArgView[];
  checks: string[];
  modes: ModeView[];
  /** The partial that reads the failure right after the call: failure-errno, failure-last-error, failure-none. */
  failure: string;
}

export interface BindingView<C extends CallableView> {
  banner: string;
  target: string;
  /** The header comment's lines. */
  intro: string[];
  /** The compiler's platform macro (__linux__, _WIN32) and a condition true only for this target. */
  platformMacro: string;
  archCheck: string;
  includes: string[];
  /** platform-<platform>-preamble and -helpers: what goes before and after the calls. */
  preamble: string;
  helpers: string;
  callables: C[];
  /** Functions the binding exports besides the callables' (internal helpers, lastError). */
  extraExports: { jsName: string; fnName: string }[];
}

/** `extra`: what the platform's preamble partial reads besides the callables (Win32's DLLs). */
export function emitCppBinding<C extends CallableView>(view: BindingView<C>, extra: object = {}): string {
  const exports = [...view.callables.flatMap((c) => c.modes.map(({ jsName, fnName }) => ({ jsName, fnName }))), ...view.extraExports];
  return render('cpp/binding.cc.hbs', { ...extra, ...view, exports });
}

/** A preprocessor condition that holds only when compiling for a target of this pointer size and byte order. */
export function archMacroCheck(dataModel: string, endian: 'little' | 'big'): string {
  const size = dataModel === 'ILP32' ? 4 : 8;
  const order = endian === 'big' ? '__ORDER_BIG_ENDIAN__' : '__ORDER_LITTLE_ENDIAN__';
  return `__SIZEOF_POINTER__ == ${size} && __BYTE_ORDER__ == ${order}`;
}

/** Builds the C++ statements that reject an argument, naming the function and the argument. */
export class ArgChecks {
  readonly lines: string[] = [];
  constructor(private readonly fn: string) {}

  rangeError(arg: string, what: string): string {
    return `return sb::throwRangeError(env, ${cString(this.fn)}, ${cString(arg)}, ${cString(what)});`;
  }

  typeError(arg: string, what: string): string {
    return `return sb::throwTypeError(env, ${cString(this.fn)}, ${cString(arg)}, ${cString(what)});`;
  }

  /** `if (cond) throw RangeError(arg: what)`. */
  range(cond: string, arg: string, what: string): void {
    this.lines.push(`if (${cond}) ${this.rangeError(arg, what)}`);
  }

  /** A pointer argument that must hold `bytes` (when given) and, unless optional, must be given. */
  holds(v: string, name: string, bytes: number, what: string, optional: boolean): void {
    this.lines.push(`if (${v} != nullptr && ${v}_len < ${bytes}) ${this.rangeError(name, what)}`);
    if (!optional) this.lines.push(`if (${v} == nullptr) ${this.typeError(name, 'must not be null')}`);
  }
}

/** A C++ string literal of plain ASCII text. */
function cString(s: string): string {
  return JSON.stringify(s);
}
