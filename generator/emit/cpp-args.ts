/**
 * What both platforms' C++ writers share: the view of one converted argument
 * that the argument partials (templates/cpp/args/*.hbs, registered as `arg-*`)
 * render, the integer bounds those partials check, and the one C++ runtime
 * header every binding.cc includes (templates/cpp/runtime.h.hbs).
 */
import type { IntInfo } from '../model/syscall.js';
import { render } from './templates.js';

export interface ArgView {
  /** Position among the JavaScript arguments. */
  index: number;
  name: string;
  /** The C++ variable holding the converted value. */
  var: string;
  /** The partial that converts it: arg-int, arg-pointer, … (or a platform's own). */
  partial: string;
  lo?: string;
  hi?: string;
  nullable?: boolean;
  /** arg-const: the fixed value passed instead. */
  value?: string;
  /** Async forms: keep the JavaScript buffer alive until the call is done. */
  keep?: boolean;
  /** arg-mapping: the view must cover the whole mapping (the call releases it). */
  whole?: boolean;
}

/**
 * The partial and bounds for a C integer. `signedBits32`: an unsigned 32-bit
 * value also takes the negative int32 JavaScript's bitwise operators give for
 * a set top bit (EPOLLET, GENERIC_READ | GENERIC_WRITE); C receives the same bits.
 */
export function intBounds(int: IntInfo, signedBits32: boolean): { partial: string; lo?: string; hi: string } {
  if (signedBits32 && !int.signed && int.bits === 32) return { partial: 'arg-int', lo: '-2147483648LL', hi: '4294967295LL' };
  if (int.signed) {
    if (int.bits === 64) return { partial: 'arg-int', lo: 'INT64_MIN', hi: 'INT64_MAX' };
    const max = 2 ** (int.bits - 1);
    return { partial: 'arg-int', lo: `-${max}LL`, hi: `${max - 1}LL` };
  }
  return { partial: 'arg-uint', hi: int.bits === 64 ? 'UINT64_MAX' : `${2 ** int.bits - 1}ULL` };
}

/** generated/runtime/sysbind-runtime.h: the C++ runtime of every target's binding.cc, Linux and Windows. */
export function emitCppRuntime(banner: string): string {
  return render('cpp/runtime.h.hbs', { banner });
}
