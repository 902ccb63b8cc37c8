// The hand-written baseline: minimal node-addon-api functions doing the
// benchmarked syscalls the way one writes a single binding by hand. Arguments
// go through node-addon-api's own conversions (As<>() and the value getters,
// which leave a pending exception on a wrong type), one pending-exception check
// guards the syscall, and failures throw a Node-style Error from C++.
#include "addon.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

// Throws Error('<CODE>: <description>, <syscall> [<path>]') with code, errno,
// syscall and path properties, like Node's fs errors.
Napi::Value throwErrno(Napi::Env env, int err, const char* syscall, const std::string* path = nullptr) {
  const char* code = strerrorname_np(err);
  std::string message = std::string(code ? code : "EUNKNOWN") + ": " + strerror(err) + ", " + syscall;
  if (path) message += " '" + *path + "'";
  Napi::Object e = Napi::Error::New(env, message).Value();
  e.Set("code", code ? code : "EUNKNOWN");
  e.Set("errno", err);
  e.Set("syscall", syscall);
  if (path) e.Set("path", *path);
  Napi::Error(env, e).ThrowAsJavaScriptException();
  return Napi::Value();
}

Napi::Value result(Napi::Env env, long r, const char* syscall) {
  if (r == -1) return throwErrno(env, errno, syscall);
  return Napi::Number::New(env, (double)r);
}

Napi::Value Getpid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), (double)syscall(SYS_getpid));
}

// clockGettime(clock, tp: Uint8Array of 16 bytes)
Napi::Value ClockGettime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int clock = info[0].As<Napi::Number>().Int32Value();
  Napi::Uint8Array tp = info[1].As<Napi::Uint8Array>();
  if (env.IsExceptionPending()) return Napi::Value();
  if (tp.ByteLength() < sizeof(struct timespec)) {
    Napi::RangeError::New(env, "tp must hold a struct timespec").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return result(env, syscall(SYS_clock_gettime, clock, tp.Data()), "clock_gettime");
}

// pread64(fd, buf: Uint8Array, count, pos)
Napi::Value Pread64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  int64_t count = info[2].As<Napi::Number>().Int64Value();
  int64_t pos = info[3].As<Napi::Number>().Int64Value();
  if (env.IsExceptionPending()) return Napi::Value();
  if (count < 0 || (size_t)count > buf.ByteLength()) {
    Napi::RangeError::New(env, "count exceeds the buffer").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return result(env, syscall(SYS_pread64, fd, buf.Data(), count, pos), "pread64");
}

// write(fd, buf: Uint8Array, count)
Napi::Value Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  int64_t count = info[2].As<Napi::Number>().Int64Value();
  if (env.IsExceptionPending()) return Napi::Value();
  if (count < 0 || (size_t)count > buf.ByteLength()) {
    Napi::RangeError::New(env, "count exceeds the buffer").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return result(env, syscall(SYS_write, fd, buf.Data(), count), "write");
}

// fstat(fd) -> { size, mode, mtimeSec, mtimeNsec }
Napi::Value Fstat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (env.IsExceptionPending()) return Napi::Value();
  struct stat st;
  if (syscall(SYS_fstat, fd, &st) == -1) return throwErrno(env, errno, "fstat");
  Napi::Object o = Napi::Object::New(env);
  o.Set("size", Napi::Number::New(env, (double)st.st_size));
  o.Set("mode", Napi::Number::New(env, st.st_mode));
  o.Set("mtimeSec", Napi::Number::New(env, (double)st.st_mtim.tv_sec));
  o.Set("mtimeNsec", Napi::Number::New(env, (double)st.st_mtim.tv_nsec));
  return o;
}

// openat(dfd, path, flags, mode) -> fd
Napi::Value Openat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dfd = info[0].As<Napi::Number>().Int32Value();
  std::string path = info[1].As<Napi::String>().Utf8Value();
  int flags = info[2].As<Napi::Number>().Int32Value();
  int mode = info[3].As<Napi::Number>().Int32Value();
  if (env.IsExceptionPending()) return Napi::Value();
  long fd = syscall(SYS_openat, dfd, path.c_str(), flags, mode);
  if (fd == -1) return throwErrno(env, errno, "openat", &path);
  return Napi::Number::New(env, (double)fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (env.IsExceptionPending()) return Napi::Value();
  return result(env, syscall(SYS_close, fd), "close");
}

// pread64Async(fd, buf, count, pos) -> Promise<number>: an AsyncWorker that
// keeps the buffer referenced until the call has finished.
class PreadWorker : public Napi::AsyncWorker {
 public:
  PreadWorker(Napi::Env env, int fd, Napi::Uint8Array buf, int64_t count, int64_t pos)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), buf_(Napi::Persistent(buf)),
        data_(buf.Data()), fd_(fd), count_(count), pos_(pos) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    r_ = syscall(SYS_pread64, fd_, data_, count_, pos_);
    if (r_ == -1) err_ = errno;
  }
  void OnOK() override {
    if (r_ == -1) {
      deferred_.Reject(Napi::Error::New(Env(), std::string(strerrorname_np(err_)) + ": pread64").Value());
    } else {
      deferred_.Resolve(Napi::Number::New(Env(), (double)r_));
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Uint8Array> buf_;
  void* data_;
  int fd_;
  int64_t count_, pos_;
  long r_ = 0;
  int err_ = 0;
};

Napi::Value Pread64Async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Uint8Array buf = info[1].As<Napi::Uint8Array>();
  int64_t count = info[2].As<Napi::Number>().Int64Value();
  int64_t pos = info[3].As<Napi::Number>().Int64Value();
  if (env.IsExceptionPending()) return Napi::Value();
  if (count < 0 || (size_t)count > buf.ByteLength()) {
    Napi::RangeError::New(env, "count exceeds the buffer").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  auto* w = new PreadWorker(env, fd, buf, count, pos);
  w->Queue();
  return w->Promise();
}

}  // namespace

void InitHand(Napi::Env env, Napi::Object exports) {
  exports.Set("getpid", Napi::Function::New(env, Getpid, "getpid"));
  exports.Set("clock_gettime", Napi::Function::New(env, ClockGettime, "clock_gettime"));
  exports.Set("pread64", Napi::Function::New(env, Pread64, "pread64"));
  exports.Set("pread64_async", Napi::Function::New(env, Pread64Async, "pread64_async"));
  exports.Set("write", Napi::Function::New(env, Write, "write"));
  exports.Set("fstat", Napi::Function::New(env, Fstat, "fstat"));
  exports.Set("openat", Napi::Function::New(env, Openat, "openat"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
}
