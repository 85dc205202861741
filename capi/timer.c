/* Timer getters take const handles, which a Go export cannot declare. */
#include "capi.h"
#include "_cgo_export.h"

uint64_t uv_timer_get_repeat(const uv_timer_t* handle) {
  return gouv_timer_get_repeat((uv_timer_t*)handle);
}

uint64_t uv_timer_get_due_in(const uv_timer_t* handle) {
  return gouv_timer_get_due_in((uv_timer_t*)handle);
}

/* uv_timer_start records the start in the handle and links it into the
 * loop's staged list; the Go loop moves staged timers into its heap before
 * it next looks at its timers (capi/timer.go, syncTimers). Starting a timer
 * is frequent and needs no Go state, so it costs no crossing into Go. It
 * runs on the loop thread, as every timer call must. */
int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, uint64_t timeout,
                   uint64_t repeat) {
  uv_loop_t* loop;
  uint64_t due;

  if (handle == NULL || handle->gouv_gen != GOUV_HANDLE_TAG)
    return gouv_timer_misuse(handle);
  if (cb == NULL || (handle->flags & (GOUV_FLAG_CLOSING | GOUV_FLAG_CLOSED)))
    return UV_EINVAL;

  loop = handle->loop;
  due = loop->time + timeout;
  if (due < timeout) /* overflow: never due */
    due = UINT64_MAX;
  handle->gouv_timer_cb = cb;
  handle->gouv_timer_due = due;
  handle->gouv_timer_repeat = repeat;
  handle->gouv_timer_seq = loop->gouv_timer_seq++;
  if (handle->gouv_timer_a[0] == NULL) {
    handle->gouv_timer_a[0] = handle;
    handle->gouv_timer_next = loop->gouv_timer_staged;
    loop->gouv_timer_staged = handle;
  }
  if (!(handle->flags & GOUV_FLAG_ACTIVE)) {
    handle->flags |= GOUV_FLAG_ACTIVE;
    if (handle->flags & GOUV_FLAG_REF)
      loop->active_handles++;
  }
  return 0;
}
