// The batch prototype: a program of syscalls runs in one JS→C++ crossing,
// each step's result (or -errno) written back into the program's own buffer.
// bench/BATCH.md has the design; bench/batch.ts is the TypeScript side.
//
//   batch(program, ...refs) -> index of the first failed step, or -1
//   batch_async(program, ...refs) -> Promise of the same, all steps in one pool hop
//
// program: a DataView over 64-byte steps (8-byte aligned), 8 int64 words each:
//   w0      low 32 bits: syscall number; high 32 bits: flags (bits 0-7) and a
//           4-bit kind per argument (bits 8-31)
//   w1..w6  arguments, read according to their kind:
//             IMM     the integer itself
//             BUF     low 32 bits: index of a ref (TypedArray or ArrayBuffer),
//                     high 32 bits: byte offset into it
//             STR     index of a ref that is a string (passed NUL-terminated)
//             RESULT  index of an earlier step whose result is the value
//   w7      out: the result as a double: >= 0 success, < 0 -errno, NaN not run
//
// Every syscall number must be in the signature table (generated from the specs
// in a real binding), which says what each argument must be. The whole program
// is checked before its first syscall, so a malformed one throws and runs nothing.
// The sync entry point uses the plain Node-API C interface, as generated
// functions do.
#include "addon.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

enum Kind : unsigned { IMM = 0, BUF = 1, STR = 2, RESULT = 3 };
enum Flag : unsigned { ALWAYS = 1 };  // run even after an earlier step failed

constexpr size_t kMaxSteps = 64;
constexpr size_t kMaxRefs = 64;

// What an argument must be, from the spec: an integer (the length bounding
// buffer argument `lenOf` if that is >= 0), a path, or a buffer of at least
// `minSize` bytes. Unlisted trailing arguments are NONE.
enum Type : uint8_t { NONE, INT, PATH, BYTES };
struct ArgSpec {
  Type type;
  int8_t lenOf;
  uint16_t minSize;
};
struct Signature {
  long nr;
  int argc;
  ArgSpec args[6];  // a length's lenOf names an earlier argument
};

constexpr ArgSpec kInt{INT, -1, 0};
constexpr ArgSpec kPath{PATH, -1, 0};
constexpr ArgSpec kBytes{BYTES, -1, 0};
constexpr ArgSpec lengthOf(int8_t arg) { return {INT, arg, 0}; }
constexpr ArgSpec structOut(uint16_t size) { return {BYTES, -1, size}; }

// A generated binding would emit this from specs/linux/semantics.yaml, the
// same facts its per-syscall functions check.
const Signature kSignatures[] = {
    {SYS_getpid, 0, {}},
    {SYS_openat, 4, {kInt, kPath, kInt, kInt}},
    {SYS_close, 1, {kInt}},
    {SYS_read, 3, {kInt, kBytes, lengthOf(1)}},
    {SYS_write, 3, {kInt, kBytes, lengthOf(1)}},
    {SYS_pread64, 4, {kInt, kBytes, lengthOf(1), kInt}},
    {SYS_fstat, 2, {kInt, structOut(144)}},
};

const Signature* findSignature(long nr) {
  for (const Signature& s : kSignatures)
    if (s.nr == nr) return &s;
  return nullptr;
}

constexpr long kNotRun = LONG_MIN;

struct Step {
  long nr;
  unsigned flags;
  unsigned depMask;  // bit i: args[i] is the index of the step whose result is the argument
  long args[6];
  long result;  // kNotRun, -errno or the value
};

// A ref as the syscalls see it: a buffer's bytes, or a string's copy.
struct Ref {
  enum Use { UNUSED, BYTES, STRING } kind;
  char* data;
  size_t len;
};

napi_value throwError(napi_env env, const std::string& message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", message.c_str());
  return nullptr;
}

// A decoded program: steps with their arguments resolved to registers, and
// the string copies they point at (in `arena_`, or on the heap beyond it).
// Lives on the stack for batch() and in the worker for batch_async().
class Program {
 public:
  size_t count = 0;
  Step steps[kMaxSteps];

  // Decodes and checks `words`; throws and returns false on the first problem.
  bool decode(napi_env env, const int64_t* words, size_t n, const napi_value* refs, size_t nrefs) {
    if (n > kMaxSteps || nrefs > kMaxRefs) return fail(env, 0, "too many steps or refs for one batch");
    env_ = env;
    refs_ = refs;
    nrefs_ = nrefs;
    count = n;
    for (size_t i = 0; i < nrefs; i++) slots_[i].kind = Ref::UNUSED;
    for (size_t i = 0; i < n; i++)
      if (!decodeStep(words + i * 8, i)) return false;
    return true;
  }

  // Runs the steps, writing each result into w7 of its step. Returns the index
  // of the first failed step, or -1. After a failure only ALWAYS steps run, and
  // a step whose RESULT argument did not succeed never runs.
  long execute(int64_t* words) {
    long firstFailed = -1;
    for (size_t i = 0; i < count; i++) {
      Step& s = steps[i];
      double* out = reinterpret_cast<double*>(&words[i * 8 + 7]);
      *out = NAN;
      s.result = kNotRun;
      if (firstFailed >= 0 && !(s.flags & ALWAYS)) continue;
      long a[6] = {s.args[0], s.args[1], s.args[2], s.args[3], s.args[4], s.args[5]};
      bool ready = true;
      for (unsigned m = s.depMask; m != 0; m &= m - 1) {
        int k = __builtin_ctz(m);
        a[k] = steps[s.args[k]].result;
        ready = ready && a[k] >= 0;
      }
      if (!ready) continue;
      long r = syscall(s.nr, a[0], a[1], a[2], a[3], a[4], a[5]);
      s.result = r == -1 ? -errno : r;
      *out = (double)s.result;
      if (s.result < 0 && firstFailed < 0) firstFailed = (long)i;
    }
    return firstFailed;
  }

 private:
  bool decodeStep(const int64_t* w, size_t index) {
    Step& s = steps[index];
    s.nr = (long)(int32_t)(w[0] & 0xffffffff);
    unsigned high = (unsigned)((uint64_t)w[0] >> 32);
    s.flags = high & 0xff;
    s.depMask = 0;
    const Signature* sig = findSignature(s.nr);
    if (!sig) return fail(env_, index, "the syscall is not in the batch signature table");
    size_t room[6];  // bytes available at each buffer argument
    for (int i = 0; i < sig->argc; i++) {
      unsigned kind = (high >> (8 + 4 * i)) & 0xf;
      int64_t v = w[1 + i];
      const ArgSpec& spec = sig->args[i];
      if (spec.type == INT) {
        if (kind == IMM) {
          if (spec.lenOf >= 0 && (v < 0 || (uint64_t)v > room[spec.lenOf])) return fail(env_, index, "a length exceeds the bytes of its buffer");
        } else if (!(kind == RESULT && spec.lenOf < 0 && v >= 0 && (size_t)v < index)) {
          return fail(env_, index, "an integer argument must be a value or an earlier step's result");
        } else {
          s.depMask |= 1u << i;
        }
        s.args[i] = (long)v;
      } else if (spec.type == PATH) {
        Ref* r = kind == STR ? ref((uint32_t)v, Ref::STRING) : nullptr;
        if (!r) return fail(env_, index, "a path argument must be a string ref without NUL bytes");
        s.args[i] = (long)r->data;
      } else {
        uint32_t offset = (uint32_t)((uint64_t)v >> 32);
        Ref* r = kind == BUF ? ref((uint32_t)(v & 0xffffffff), Ref::BYTES) : nullptr;
        if (!r || offset > r->len || r->len - offset < spec.minSize)
          return fail(env_, index, "a buffer argument must be a buffer ref large enough for the syscall");
        s.args[i] = (long)(r->data + offset);
        room[i] = r->len - offset;
      }
    }
    for (int i = sig->argc; i < 6; i++) s.args[i] = 0;
    return true;
  }

  Ref* ref(uint32_t index, Ref::Use want) {
    if (index >= nrefs_) return nullptr;
    Ref& r = slots_[index];
    if (r.kind == Ref::UNUSED && !resolve(refs_[index], want, &r)) return nullptr;
    return r.kind == want ? &r : nullptr;
  }

  bool resolve(napi_value v, Ref::Use want, Ref* r) {
    static const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
    if (want == Ref::STRING) {
      // Copied straight into the arena when it fits; else measured, then copied.
      size_t n, room = sizeof arena_ - arenaUsed_;
      char* copy = arena_ + arenaUsed_;
      if (napi_get_value_string_utf8(env_, v, copy, room, &n) != napi_ok) return false;
      if (n + 1 < room) {
        arenaUsed_ += n + 1;
      } else {
        napi_get_value_string_utf8(env_, v, nullptr, 0, &n);
        overflow_.emplace_back(n, '\0');
        copy = &overflow_.back()[0];
        napi_get_value_string_utf8(env_, v, copy, n + 1, &n);
      }
      if (strlen(copy) != n) return false;
      *r = {Ref::STRING, copy, n};
      return true;
    }
    napi_typedarray_type type;
    size_t length;
    void* data;
    if (napi_get_typedarray_info(env_, v, &type, &length, &data, nullptr, nullptr) == napi_ok) {
      *r = {Ref::BYTES, static_cast<char*>(data), length * ((size_t)type < 11 ? sizes[type] : 1)};
    } else if (napi_get_arraybuffer_info(env_, v, &data, &length) == napi_ok) {
      *r = {Ref::BYTES, static_cast<char*>(data), length};
    } else {
      return false;
    }
    return r->data != nullptr || r->len == 0;  // a detached buffer has no bytes
  }

  bool fail(napi_env env, size_t index, const char* what) {
    throwError(env, "batch step " + std::to_string(index) + ": " + what);
    return false;
  }

  napi_env env_ = nullptr;
  const napi_value* refs_ = nullptr;
  size_t nrefs_ = 0;
  Ref slots_[kMaxRefs];
  char arena_[4096];
  size_t arenaUsed_ = 0;
  std::vector<std::string> overflow_;
};

// The program's words and step count, from a DataView; nullptr after throwing.
int64_t* programWords(napi_env env, napi_value v, size_t* count) {
  size_t length;
  void* data;
  if (napi_get_dataview_info(env, v, &length, &data, nullptr, nullptr) != napi_ok || length % 64 != 0 ||
      reinterpret_cast<uintptr_t>(data) % 8 != 0) {
    throwError(env, "batch: program must be a DataView over 8-byte aligned 64-byte steps");
    return nullptr;
  }
  *count = length / 64;
  return static_cast<int64_t*>(data);
}

// The call's arguments: argv[0] the program, the rest refs. Asked for in two
// steps, as napi_get_cb_info fills every slot it is given.
struct Args {
  static constexpr size_t kFew = 8;
  size_t argc = kFew;
  napi_value argv[2 + kMaxRefs];
  Args(napi_env env, napi_callback_info info) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc > kFew) {
      size_t all = 2 + kMaxRefs;
      napi_get_cb_info(env, info, &all, argv, nullptr, nullptr);
    }
  }
  size_t nrefs() const { return argc == 0 ? 0 : argc - 1; }  // more than kMaxRefs: decode() refuses
};

napi_value Batch(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t count;
  int64_t* words = args.argc > 0 ? programWords(env, args.argv[0], &count) : nullptr;
  if (!words) return args.argc > 0 ? nullptr : throwError(env, "batch: program is missing");
  Program p;
  if (!p.decode(env, words, count, args.argv + 1, args.nrefs())) return nullptr;
  napi_value result;
  napi_create_int64(env, p.execute(words), &result);
  return result;
}

// The same program on the libuv pool: one thread-pool hop for all its steps.
// The program and refs stay referenced until the promise settles, so their
// buffers outlive the syscalls; strings are copies the worker owns.
class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, int64_t* words)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), words_(words) {}
  Program program;
  void keep(napi_value v) {
    if (Napi::Value(Env(), v).IsObject()) kept_.push_back(Napi::Persistent(Napi::Object(Env(), v)));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override { firstFailed_ = program.execute(words_); }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), (double)firstFailed_)); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> kept_;
  int64_t* words_;
  long firstFailed_ = -1;
};

napi_value BatchAsync(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t count;
  int64_t* words = args.argc > 0 ? programWords(env, args.argv[0], &count) : nullptr;
  if (!words) return args.argc > 0 ? nullptr : throwError(env, "batch_async: program is missing");
  auto* w = new BatchWorker(Napi::Env(env), words);
  if (!w->program.decode(env, words, count, args.argv + 1, args.nrefs())) {
    delete w;
    return nullptr;
  }
  for (size_t i = 0; i < args.argc && i <= kMaxRefs; i++) w->keep(args.argv[i]);
  w->Queue();
  return w->Promise();
}

}  // namespace

void InitBatch(Napi::Env env, Napi::Object exports) {
  napi_property_descriptor functions[] = {
      {"batch", nullptr, Batch, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batch_async", nullptr, BatchAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, 2, functions);
}
