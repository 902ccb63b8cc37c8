// The bench addon's entry point: { hand: {...}, batch, batch_async, callgrind: {...} }.
#include "addon.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Object hand = Napi::Object::New(env);
  InitHand(env, hand);
  exports.Set("hand", hand);
  InitBatch(env, exports);
  InitCallgrind(env, exports);
  return exports;
}

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
