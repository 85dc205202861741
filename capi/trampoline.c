/* Trampolines through which Go calls the host's callbacks. Each costs one
 * Go-to-C crossing; the indirect call itself is nearly free. */
#include "capi.h"

/* Every callback that takes only its handle (close, timer, idle, prepare,
 * check, async) has the same C signature, so one trampoline serves all.
 * Both arguments are C addresses passed as integers: cgo checks every
 * pointer argument of a call for Go pointers, which cost a tenth of an
 * idle loop's iteration, and these never are. */
void gouv_call_handle(uintptr_t fn, uintptr_t handle) {
  ((void (*)(void*))fn)((void*)handle);
}

void gouv_call_walk(void* fn, void* handle, void* arg) {
  ((uv_walk_cb)fn)((uv_handle_t*)handle, arg);
}
