// Proposed for the C++ runtime template: a fast path in front of each argument
// conversion. bench/proto/propose.ts splices this into a copy of the generated
// binding (runtime inlined) right after `namespace sb {` and renames the
// runtime's argInt, argUint and argPointer to argIntFull, argUintFull and
// argPointerFull, which stay exactly as they are and handle everything the
// fast path does not accept (bigints, every error with its message), so
// behaviour is unchanged.
//
// Why: a number argument costs two Node-API calls today (napi_typeof, then
// napi_get_value_double) and a buffer three (napi_is_typedarray, then
// napi_get_typedarray_info). napi_get_value_double and napi_get_typedarray_info
// return a status without throwing when the value has another type, so the
// common case needs one call each.
static inline bool argIntFull(napi_env env, napi_value v, const char* fn, const char* arg, int64_t lo, int64_t hi, int64_t* out);
static inline bool argUintFull(napi_env env, napi_value v, const char* fn, const char* arg, uint64_t hi, uint64_t* out);
static inline bool argPointerFull(napi_env env, napi_value v, const char* fn, const char* arg, bool nullable, void** data, size_t* len);

// Accepts exactly the numbers argIntFull accepts (integral, in [lo, hi]).
static inline bool argInt(napi_env env, napi_value v, const char* fn, const char* arg, int64_t lo, int64_t hi, int64_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok && d == std::trunc(d) && d >= (double)lo && d <= (double)hi) {
    *out = (int64_t)d;
    return true;
  }
  return argIntFull(env, v, fn, arg, lo, hi, out);
}

// Accepts exactly the numbers argUintFull accepts (integral, in [0, hi], safe).
static inline bool argUint(napi_env env, napi_value v, const char* fn, const char* arg, uint64_t hi, uint64_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok && d == std::trunc(d) && d >= 0 && d <= (double)hi &&
      d <= 9007199254740991.0) {
    *out = (uint64_t)d;
    return true;
  }
  return argUintFull(env, v, fn, arg, hi, out);
}

// A typed array with bytes; DataView, ArrayBuffer, null, detached and empty
// buffers and every error take the full path.
static inline bool argPointer(napi_env env, napi_value v, const char* fn, const char* arg, bool nullable, void** data, size_t* len) {
  static const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
  napi_typedarray_type type;
  size_t elems, offset;
  if (napi_get_typedarray_info(env, v, &type, &elems, data, nullptr, &offset) == napi_ok && *data != nullptr) {
    *len = elems * ((size_t)type < sizeof sizes / sizeof sizes[0] ? sizes[type] : 1);
    return true;
  }
  return argPointerFull(env, v, fn, arg, nullable, data, len);
}
