/**
 * Faults of the emulator itself that the safe-call fuzz meets on a target's
 * own Node, each with the C program that shows it is the emulator's and not the
 * binding's: the same raw syscall, from C, faults under the emulator, while the
 * kernel answers it with an error (emulator-bugs.test.ts runs both). An emulator
 * fault the fuzz meets that is not listed here fails the fuzz test.
 */
export interface EmulatorBug {
  target: string;
  /** The fuzz's label of the calls that meet it. */
  call: RegExp;
  why: string;
  /** A C program making the same raw syscall; it prints the errno the kernel returned. */
  program: string;
  /** What the kernel answers (native run): the program's output. */
  kernelSays: string;
}

export const EMULATOR_BUGS: EmulatorBug[] = [
  {
    target: 'linux-arm',
    call: /^(async\.)?(bind|connect)\([^,]*, new Uint8Array\(0\)/,
    why:
      'qemu-arm 7.2 reads the address family of a NULL socket address: bind(fd, NULL, 0) and connect(fd, NULL, 0) ' +
      'fail its own assertion (cpu-exec.c: cpu == current_cpu) instead of returning EBADF; an empty Uint8Array has no data pointer',
    program: `#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  long r = syscall(SYS_bind, 5000, (void *)0, 0);
  printf("%ld %d\\n", r, r < 0 ? errno : 0);
  return 0;
}
`,
    kernelSays: `-1 ${9 /* EBADF */}`,
  },
];

export const knownEmulatorBug = (target: string, call: string) => EMULATOR_BUGS.find((b) => b.target === target && b.call.test(call));
