/**
 * Tests of the suite that cannot pass on some targets for a reason that is
 * not the binding's: the test assumes linux-x64 (its syscall names, C types,
 * byte order or struct layout), or the emulator cannot do what it checks.
 * The cross harness does not run a listed test on those targets (some would
 * crash qemu, or leave a timer writing into a reused fd) and reports it as
 * `not-portable` with the reason; an entry naming no test of a file that ran
 * fails the run, so the list follows renames. Each reason was confirmed when
 * the entry was added (see the comments).
 */

export interface NotPortable {
  /** Relative to test/, as in the sources. */
  file: string;
  /** Describe names and the test name joined by ' > '. */
  test: string;
  /** The targets it cannot pass on. */
  on: readonly string[];
  why: string;
}

const EMULATED = ['linux-arm64', 'linux-arm', 'linux-ppc64', 'linux-s390x'];
const NOT_X64 = [...EMULATED, 'linux-ia32', 'linux-riscv64', 'linux-mips64el'];

/** One reason shared by several tests: file → test names. */
function group(on: readonly string[], why: string, tests: Record<string, readonly string[]>): NotPortable[] {
  return Object.entries(tests).flatMap(([file, names]) => names.map((test) => ({ file, test, on, why })));
}

const MMAP_TESTS = [
  'mmap (anonymous) > returns zeroed, writable memory that /proc/self/maps lists with rw-p and the right size',
  'mmap (anonymous) > pages become resident only when touched (/proc/self/pagemap)',
  'mmap (anonymous) > fails with EINVAL for length 0 and EBADF for a file mapping of a closed fd',
  'mmap (file, MAP_SHARED / MAP_PRIVATE) and msync > writes through a MAP_SHARED mapping reach the file (fs.readFileSync after msync)',
  'mmap (file, MAP_SHARED / MAP_PRIVATE) and msync > writes by fs to the file appear in the shared mapping',
  'mmap (file, MAP_SHARED / MAP_PRIVATE) and msync > a non-zero offset maps that part of the file',
  'mmap (file, MAP_SHARED / MAP_PRIVATE) and msync > writes through MAP_PRIVATE never reach the file',
  'mmap (file, MAP_SHARED / MAP_PRIVATE) and msync > async.msync flushes a shared mapping that fs then reads',
  'munmap > unmaps (gone from /proc/self/maps) and detaches the buffer (byteLength 0)',
  'munmap > a second munmap of the same mapping throws instead of unmapping someone else’s memory',
  'munmap > accepts the ArrayBuffer itself, and refuses views not at offset 0 or foreign buffers',
  'mincore > reports the pages JS touched as resident and the others not, as /proc/self/pagemap does',
  'mincore > refuses a vec shorter than the pages and heap bytes; a start not page aligned is EINVAL',
  'mremap > grows a mapping (moving it if it must): the bytes stay, the old view detaches, /proc/self/maps lists the new size',
  'mremap > refuses a mapping it already moved, part of one and heap bytes before the call',
  "mremap > new_len 0 is the kernel's EINVAL, and the mapping stays",
  'mprotect > PROT_READ: the kernel shows r--p and reads still work; back to RW writes work again',
  'mprotect > a page-aligned sub-range changes only those pages (the mapping splits in maps)',
  'mprotect > a start that is not page aligned fails with EINVAL',
  'madvise > MADV_DONTNEED on private anonymous memory drops the pages: no longer resident, then read back as zeros',
  'madvise > advice that changes nothing visible returns without error; bad advice is EINVAL',
  'mlock > locks the pages (smaps "Locked") or fails only with EPERM/ENOMEM',
  'calls that act on a range of memory > refuse a view past the end of its mapping, and a mapping that was unmapped',
];

const GETRLIMIT_TESTS = [
  'resource limits > getrlimit(RLIMIT_NOFILE) is what `ulimit -n` / `ulimit -Hn` print',
  'resource limits > getrlimit(RLIMIT_STACK) is `ulimit -s` KiB (or unlimited)',
  'resource limits > prlimit64 reading our own limits agrees with getrlimit and /proc/self/limits',
];

const FSTAT_MATCHES = 'fstat > matches fs.statSync for size, mode, ino, nlink, uid, gid, dev, blocks and all three times';
const NEWFSTATAT_TESTS = [
  'newfstatat > matches fs.statSync for a path',
  'newfstatat > follows a symlink by default and describes the link itself with AT_SYMLINK_NOFOLLOW',
  'newfstatat > async.newfstatat matches fs.statSync',
];

export const notPortable: readonly NotPortable[] = [
  // The compiled suite has no child.ts and no tsx next to it (helpers.ts finds both from its own URL),
  // and under qemu-user a foreign node cannot be exec'd at all: binfmt_misc is not mounted here.
  ...group([...EMULATED, 'linux-x64'], 'runChild() starts process.execPath with tsx on test/linux/child.ts: not runnable compiled, and a foreign node cannot exec itself without binfmt_misc', {
    'linux/directories.test.ts': ['fchdir (in a child process, so the test worker keeps its cwd) > moves the child into the directory: /proc/self/cwd, relative fs paths and getcwd agree'],
    'linux/process.test.ts': [
      'process ids > getppid is process.ppid, and in a child it is our pid',
      'process groups and sessions > setsid in a child: returns the new session id = its pid, /proc agrees, a second call is EPERM',
    ],
    'linux/spawn.test.ts': ['spawn > a daemon started with setsid outlives the process that spawned it (/proc: still running, its own session, another parent)'],
  }),
  ...group(NOT_X64, 'asserts that the host is linux-x64 and the entry is the linux-x64 module', {
    'linux/entry.test.ts': [
      'package entry > this host is linux-x64 (process.platform/arch) and the entry says so',
      'package entry > the host API object is the linux-x64 target module',
      'package entry > every function of the target is exported by the entry as that same function',
    ],
  }),

  // Syscalls linux-x64 has and the target's kernel table does not (the binding rightly says so).
  ...group(['linux-arm64'], 'arm64 has no poll syscall (only ppoll)', {
    'linux/descriptors.test.ts': [
      'poll and ppoll > poll: revents 0 on an empty pipe, POLLIN after a write, POLLOUT on the write end',
      'poll and ppoll > poll reports POLLNVAL for a closed fd and POLLHUP after the writer closes',
      'poll and ppoll > poll with a timeout waits about that long',
      'poll and ppoll > async.poll resolves when a timer writes to the pipe',
    ],
  }),
  ...group(['linux-arm', 'linux-s390x'], 'no mmap syscall here (arm has mmap2; s390x has old_mmap, which takes a struct)', {
    'linux/memory.test.ts': MMAP_TESTS,
    'linux/entry.test.ts': ['package entry > a call through the entry reaches the kernel'],
  }),
  // Confirmed with a static aarch64 C program: joining 239.7.8.11 with imr_ifindex 1 (lo) joins eth0 under
  // qemu-aarch64 7.2, lo natively (/proc/net/igmp); in the test's network there is no route and it is ENODEV.
  ...group(['linux-arm64'], "qemu-aarch64 mistranslates struct ip_mreqn (it expects a 16-byte record with a long imr_ifindex), so the join does not reach lo", {
    'linux/sockets.test.ts': ['setsockopt typed per option (read back by python3 from the inherited descriptor) > IP_ADD_MEMBERSHIP joins a group on lo that /proc/net/igmp lists; IP_DROP_MEMBERSHIP leaves it'],
  }),
  ...group(['linux-s390x'], 's390x has no accept syscall (only accept4, and accept through socketcall)', {
    'linux/sockets.test.ts': ["TCP between two sysbind sockets > accept fills the peer address (the client's port, as getsockname gives it) and its length"],
  }),
  ...group(['linux-arm', 'linux-ppc64'], 'no getrlimit syscall here (arm has ugetrlimit; ppc64 ugetrlimit)', { 'linux/process.test.ts': GETRLIMIT_TESTS }),
  ...group(['linux-arm'], "arm's binding has no newfstatat (arm's table has fstatat64) and no nanosleep (only the 64-bit-time clock_nanosleep_time64)", {
    'linux/metadata.test.ts': [...NEWFSTATAT_TESTS, 'newfstatat > resolves relative names against a directory fd, and AT_EMPTY_PATH stats the fd'],
    'linux/time.test.ts': [
      'nanosleep > sleeps at least the requested time (measured with hrtime)',
      'nanosleep > interrupted by a signal: EINTR, and rmtp holds the time that was left',
      'nanosleep > an out-of-range tv_nsec fails with EINVAL without sleeping',
      'nanosleep > async.nanosleep sleeps off the main thread: a timer fires meanwhile, then it resolves',
    ],
  }),
  ...group(['linux-arm'], "expects error.syscall to be the x64 name; arm's call is the *_time64 syscall and its errors say so", {
    'linux/descriptors.test.ts': ['timerfd > an invalid tv_nsec fails with EINVAL'],
    'linux/time.test.ts': [
      'clock_gettime > fills a caller-provided Timespec; an invalid clock fails with EINVAL',
      'clock_getres > an invalid clock fails with EINVAL',
      'clock_nanosleep > a relative sleep interrupted by a signal: EINTR, rmtp holds the time left',
      'clock_nanosleep > fails on a clock it cannot sleep on (raw kernel: EOPNOTSUPP) and on an unknown clock (EINVAL)',
    ],
  }),

  // x64's C types: the field is a bigint on x64 (unsigned long) and a number where the kernel's type is 32-bit.
  ...group(['linux-arm64'], 'expects st_nlink as a bigint (x64 unsigned long); arm64 kernel stat has unsigned int', {
    'linux/metadata.test.ts': [FSTAT_MATCHES, ...NEWFSTATAT_TESTS],
  }),
  ...group(['linux-arm'], "expects x64's 64-bit stat fields and size_t as bigints; arm's kernel stat and iov_len are 32-bit", {
    'linux/metadata.test.ts': [
      FSTAT_MATCHES,
      'fstat > fills a caller-provided Stat and returns that same object',
      'fstat > describes a pipe and a directory as fs.fstatSync does',
      'utimensat > write through a descriptor updates mtime/size for both fstat and fs',
    ],
    'linux/file-io.test.ts': ['readv and writev > an iovec set from a subarray covers exactly that window'],
  }),
  ...group(['linux-arm'], 'passes a 64-bit getdents64 d_off cookie to lseek, whose off_t is 32-bit on arm (_llseek takes 64-bit offsets)', {
    'linux/directories.test.ts': ['getdents64 > d_off is a cookie lseek accepts to resume after that entry'],
  }),

  // Byte order and layout written by hand as on x64.
  ...group(['linux-s390x'], 'reads kernel ints and counters (eventfd/timerfd u64, getsockopt int) as little-endian bytes; s390x is big-endian', {
    'linux/descriptors.test.ts': [
      'eventfd2 > the counter reads as 8 little-endian bytes and fdinfo agrees',
      'eventfd2 > EFD_SEMAPHORE reads 1 at a time; EFD_NONBLOCK then gives EAGAIN',
      'timerfd > settime arms it: gettime counts it_value down, fdinfo agrees, expiry count 1 after it fires',
      'timerfd > an interval timer accumulates expirations; otmr returns the previous setting',
      'timerfd > TFD_TIMER_ABSTIME: an absolute CLOCK_MONOTONIC deadline in the past fires at once',
    ],
    'linux/sockets.test.ts': [
      'setsockopt and getsockopt > SO_REUSEADDR: off by default, on after setsockopt (int, optlen 4)',
      'setsockopt and getsockopt > SO_RCVBUF: the kernel doubles the value set (socket(7)); `ss -m` shows the same rb',
      'setsockopt and getsockopt > SO_TYPE and SO_ERROR read back as ints; an unknown option fails with ENOPROTOOPT',
      'setsockopt and getsockopt > TCP_NODELAY at IPPROTO_TCP level',
    ],
    'linux/process.test.ts': ['sched_getaffinity and sched_yield > the mask has exactly the CPUs of Cpus_allowed_list, `nproc` and os.availableParallelism()'],
  }),
  // On s390x the little-endian cmsg_len is a huge length, and qemu-s390x 7.2 aborts (rcu_read_unlock assertion) instead of failing sendmsg.
  ...group(['linux-arm', 'linux-s390x'], 'builds struct cmsghdr by hand with x64 layout (8-byte little-endian cmsg_len); arm has a 4-byte one, s390x is big-endian', {
    'linux/sockets.test.ts': ['ancillary data (msg_control) > SCM_RIGHTS passes a descriptor: the received fd is the same pipe (/proc) and writes through it arrive'],
  }),

  // qemu-user itself (checked with static C programs under qemu: same result without sysbind).
  ...group(EMULATED, 'qemu-user fakes /proc/self/stat: state, pgrp and session read as 0', {
    'linux/process.test.ts': [
      'process groups and sessions > getpgid(0) and getpgid(pid) are the pgrp in /proc/self/stat',
      'sched_getaffinity and sched_yield > sched_yield returns and lets time pass; the thread is still runnable (/proc state)',
    ],
  }),
  ...group(EMULATED, "qemu-user runs posix_spawn's CLONE_VM|CLONE_VFORK child as a plain fork, so the child's exec error never reaches the parent's memory: posix_spawn returns 0 and the child exits 127 (a static aarch64 C program under qemu-aarch64-static: rc 0, exit 127; natively ENOENT)", {
    'linux/spawn.test.ts': ['spawn > a program that cannot be started is a SyscallError (ENOENT, EACCES), and no child is left'],
  }),
  // Observed on all four: SigIgn 0x7ffbffbf. A static aarch64 C program spawning the same way (SIGPIPE ignored,
  // setsigdefault of every signal) under qemu-aarch64-static shows a clean set, so it is the emulated Node's host-level
  // state the exec'd (native) program inherits, not posix_spawn's.
  ...group(EMULATED, "under qemu-user the spawned program is exec'd from the emulator's process and /proc shows the signal dispositions qemu left at host level, not the guest's", {
    'linux/spawn.test.ts': ['spawn > the child starts with no standard signal blocked and none ignored (Node ignores SIGPIPE; /proc/<pid>/status says the child does not)'],
  }),
  // linux-arm runs numa.test.ts's 32-bit tests instead (get_mempolicy is not bound there), which never reach the kernel.
  ...group(['linux-arm64', 'linux-ppc64', 'linux-s390x'], 'qemu-user returns ENOSYS for get_mempolicy, set_mempolicy and migrate_pages (static aarch64, ppc64le and s390x C programs under qemu: errno 38 for each; natively 0)', {
    'linux/numa.test.ts': [
      'NUMA policy > get_mempolicy with MPOL_F_MEMS_ALLOWED gives the nodes /proc/self/status allows; the policy starts as MPOL_DEFAULT',
      'NUMA policy > set_mempolicy(MPOL_PREFERRED, node 0): get_mempolicy reads it back and numa_maps shows new mappings as prefer:0',
      'NUMA policy > migrate_pages of this process from its nodes to the same nodes leaves no page unmoved; to a node that does not exist is EINVAL',
    ],
  }),
  ...group(['linux-s390x'], "qemu-s390x writes struct ipc64_perm and the pids of msqid64_ds/shmid64_ds in another layout than s390x's kernel (a static s390x C program under qemu-s390x-static: msgctl IPC_STAT gives mode 0140000000 for 0600 and msg_lspid 0; natively, and under qemu-aarch64, 600 and the pid)", {
    'linux/sysv-ipc.test.ts': [
      'msgctl and shmctl > msgctl IPC_STAT fills a Msqid64Ds with what /proc/sysvipc/msg says: messages, bytes, last sender, owner, mode',
      'msgctl and shmctl > msgctl IPC_SET changes the mode and lowers msg_qbytes (then msgsnd past it waits: EAGAIN with IPC_NOWAIT); IPC_RMID removes the queue',
      'msgctl and shmctl > shmctl IPC_STAT fills a Shmid64Ds as /proc/sysvipc/shm says (size, creator, attaches); IPC_RMID removes the segment',
    ],
  }),
  ...group(['linux-arm64', 'linux-riscv64'], 'the asm-generic syscall table has getdents64 only, no getdents', {
    'linux/directories.test.ts': [
      'getdents (struct linux_dirent, the older record) > lists the same names as fs.readdirSync plus . and .., with inodes and types from lstat',
      'getdents (struct linux_dirent, the older record) > a buffer that cannot hold one record is EINVAL; a count past the buffer is refused before the call',
    ],
  }),
  ...group(['linux-arm', 'linux-ia32'], "io_getevents takes the time32 timespec on 32-bit targets and is skipped there (semantics.yaml)", {
    'linux/file-io.test.ts': ['io_getevents (Linux AIO completions) > an nr past the events array is refused before the call'],
  }),
  ...group([...new Set([...EMULATED, 'linux-ia32'])], 'qemu-user does not implement io_setup (ENOSYS), and ia32 binds no io_getevents (time32)', {
    'linux/file-io.test.ts': [
      'io_getevents (Linux AIO completions) > collects the completion of a pread submitted with io_submit: its aio_data, the bytes fs reads, the iocb submitted',
      'io_getevents (Linux AIO completions) > a context that is not one is EINVAL',
    ],
  }),
  ...group(EMULATED, "qemu-user returns ENOSYS for get_robust_list (its linux-user syscall.c: a guest's robust list is not one the host kernel could walk)", {
    'linux/process.test.ts': [
      "get_robust_list > reads the calling thread's and a child's registered list: a non-zero head of sizeof(struct robust_list_head)",
      'get_robust_list > a pid that does not exist is ESRCH',
    ],
  }),
  // Confirmed with static aarch64 and ppc64le C programs under qemu 7.2: mremap(p, 8192, 0, MREMAP_MAYMOVE) is
  // ENOMEM there, EINVAL natively.
  ...group(['linux-arm64', 'linux-ppc64'], "qemu-user's mremap answers new_len 0 with ENOMEM (it looks for room for the new size), not the kernel's EINVAL", {
    'linux/memory.test.ts': ["mremap > new_len 0 is the kernel's EINVAL, and the mapping stays"],
  }),
  ...group(['linux-arm64', 'linux-ppc64'], 'qemu-user accepts any madvise advice (returns 0), so bad advice is not EINVAL', {
    'linux/memory.test.ts': ['madvise > advice that changes nothing visible returns without error; bad advice is EINVAL'],
  }),
  ...group(['linux-s390x'], "qemu-s390x 7.2's fstat leaves st_*time_nsec zero (a static s390x C program calling SYS_fstat gets 0 too)", {
    'linux/metadata.test.ts': [FSTAT_MATCHES, 'utimensat > write through a descriptor updates mtime/size for both fstat and fs'],
    'cross/on-target.test.ts': ["the binding on linux-s390x > fstat's nanoseconds agree with fs.statSync"],
  }),
  ...group(['linux-arm'], 'under qemu-arm the event loop ticks fewer than 3 times in the 50 ms sleep (emulation speed, not blocking)', {
    'linux/time.test.ts': ['clock_nanosleep > async.clock_nanosleep sleeps off the main thread until the deadline'],
  }),
];
