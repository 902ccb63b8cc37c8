// The C floor: each benchmarked syscall in a tight loop, called the way the
// generated binding calls it (libc's syscall(2) wrapper), with no JavaScript.
//
//   floor <data file> <op>:<iterations>...   prints "<op> <ns per call>" per op
//
// The data file is a regular file of at least 64 KiB; the ops are the ids in
// the table below. The bench runs this once per round, so the floor sees the
// same drift as the JavaScript rows it is subtracted from.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char* dataPath;
static int dataFd, nullFd;
static char buf[65536];
static struct stat st;
static struct timespec ts;

static void getpidOnce(void) { syscall(SYS_getpid); }
static void clockGettimeOnce(void) { syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); }
static void clockGettimeVdsoOnce(void) { clock_gettime(CLOCK_MONOTONIC, &ts); }
static void pread64SmallOnce(void) { syscall(SYS_pread64, dataFd, buf, 64, 0); }
static void pread64LargeOnce(void) { syscall(SYS_pread64, dataFd, buf, 65536, 0); }
static void writeOnce(void) { syscall(SYS_write, nullFd, buf, 1); }
static void fstatOnce(void) { syscall(SYS_fstat, dataFd, &st); }
static void openatMissingOnce(void) { syscall(SYS_openat, AT_FDCWD, "/nonexistent/sysbind-bench", O_RDONLY); }

static void openatCloseOnce(void) {
  long fd = syscall(SYS_openat, AT_FDCWD, dataPath, O_RDONLY | O_CLOEXEC);
  syscall(SYS_close, fd);
}

// The batch bench's sequence: open, fstat, read 64 bytes, close.
static void sequenceOnce(void) {
  long fd = syscall(SYS_openat, AT_FDCWD, dataPath, O_RDONLY | O_CLOEXEC);
  syscall(SYS_fstat, fd, &st);
  syscall(SYS_read, fd, buf, 64);
  syscall(SYS_close, fd);
}

static const struct {
  const char* id;
  void (*once)(void);
} ops[] = {
    {"getpid", getpidOnce},
    {"clock_gettime", clockGettimeOnce},
    {"clock_gettime_vdso", clockGettimeVdsoOnce},
    {"pread64_64", pread64SmallOnce},
    {"pread64_64k", pread64LargeOnce},
    {"write_1", writeOnce},
    {"fstat", fstatOnce},
    {"openat_enoent", openatMissingOnce},
    {"openat_close", openatCloseOnce},
    {"sequence", sequenceOnce},
};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: floor <data file> <op>:<iterations>...\n");
    return 2;
  }
  dataPath = argv[1];
  dataFd = open(dataPath, O_RDONLY | O_CLOEXEC);
  nullFd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (dataFd < 0 || nullFd < 0) {
    perror("floor: open");
    return 1;
  }
  for (int a = 2; a < argc; a++) {
    char id[64];
    long n;
    if (sscanf(argv[a], "%63[^:]:%ld", id, &n) != 2 || n <= 0) {
      fprintf(stderr, "floor: bad argument '%s' (want <op>:<iterations>)\n", argv[a]);
      return 2;
    }
    size_t i = 0;
    while (i < sizeof ops / sizeof ops[0] && strcmp(ops[i].id, id) != 0) i++;
    if (i == sizeof ops / sizeof ops[0]) {
      fprintf(stderr, "floor: unknown op '%s'\n", id);
      return 2;
    }
    double t0 = now();
    for (long k = 0; k < n; k++) ops[i].once();
    printf("%s %.2f\n", id, (now() - t0) / n);
  }
  return 0;
}
