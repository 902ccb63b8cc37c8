// The bench addon's parts, registered on one module by addon.cc.
#pragma once
#define NAPI_VERSION 8
#define NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS
#include <napi.h>

// Hand-written single-syscall functions (hand.cc): the baseline.
void InitHand(Napi::Env env, Napi::Object exports);
// The batch prototype (batch.cc): many syscalls in one crossing.
void InitBatch(Napi::Env env, Napi::Object exports);
// Callgrind client requests (callgrind.cc) for the instruction-count mode.
void InitCallgrind(Napi::Env env, Napi::Object exports);
