// Callgrind client requests for the instruction-count mode (bench/instructions.ts):
// zero the counters before a measured loop and dump them, labelled, after it.
// Without valgrind's headers (Debian: valgrind) both are no-ops and
// `available` is false; outside valgrind they cost a few instructions.
#include "addon.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#else
#define HAVE_CALLGRIND 0
#endif

#include <string>

namespace {

Napi::Value Zero(const Napi::CallbackInfo& info) {
#if HAVE_CALLGRIND
  CALLGRIND_ZERO_STATS;
#endif
  return info.Env().Undefined();
}

Napi::Value Dump(const Napi::CallbackInfo& info) {
#if HAVE_CALLGRIND
  std::string label = info[0].As<Napi::String>().Utf8Value();
  CALLGRIND_DUMP_STATS_AT(label.c_str());
#endif
  return info.Env().Undefined();
}

}  // namespace

void InitCallgrind(Napi::Env env, Napi::Object exports) {
  Napi::Object cg = Napi::Object::New(env);
  cg.Set("available", Napi::Boolean::New(env, HAVE_CALLGRIND));
  cg.Set("zero", Napi::Function::New(env, Zero, "zero"));
  cg.Set("dump", Napi::Function::New(env, Dump, "dump"));
  exports.Set("callgrind", cg);
}
