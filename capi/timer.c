/* Timer getters take const handles, which a Go export cannot declare. */
#include "capi.h"
#include "_cgo_export.h"

uint64_t uv_timer_get_repeat(const uv_timer_t* handle) {
  return gouv_timer_get_repeat((uv_timer_t*)handle);
}

uint64_t uv_timer_get_due_in(const uv_timer_t* handle) {
  return gouv_timer_get_due_in((uv_timer_t*)handle);
}
