/* Idle, prepare and check handles are light handles, like timers
 * (timer.c): the host's struct is their whole state (gouv_rec, then
 * gouv_watcher_rec), their calls run here without a crossing into Go, and
 * the Go loop, which owns the three phases' lists, applies starts and
 * stops when it drains the loop's submissions (docs/design.md, "Light
 * handles"). One piece of code serves the three types. */
#include "capi.h"
#include "_cgo_export.h"

static int watcher_init(uv_loop_t* loop, uv_handle_t* h, uv_handle_type type,
                        uint32_t phase, const char* fn) {
  if (h == NULL || !gouv_loop_is_open(loop)) return gouv_misuse((char*)fn, h);
  memset(GOUV_WATCHER_REC((uv_idle_t*)h), 0, sizeof(gouv_watcher_rec));
  gouv_light_init(loop, h, type, GOUV_REC_WATCHER | (phase << GOUV_REC_PHASE_SHIFT));
  return 0;
}

static int watcher_start(uv_handle_t* h, uv_handle_type type, void* cb, const char* fn) {
  if (!gouv_light_is_open(h, type)) return gouv_misuse((char*)fn, h);
  if (h->flags & GOUV_FLAG_ACTIVE) return 0;
  /* A closing watcher started again would rejoin its phase and be called
   * after its close callback (libuv does, then crashes); refuse it, as
   * uv_timer_start does. */
  if (cb == NULL || (h->flags & GOUV_FLAG_CLOSING)) return UV_EINVAL;
  GOUV_WATCHER_REC((uv_idle_t*)h)->cb = cb;
  gouv_light_activate(h);
  gouv_submit(h->loop, GOUV_REC(h), GOUV_SUB_WATCH | GOUV_SUB_STARTED);
  return 0;
}

static int watcher_stop(uv_handle_t* h, uv_handle_type type, const char* fn) {
  if (!gouv_light_is_open(h, type))
    return gouv_closed(h, type) ? 0 : gouv_misuse((char*)fn, h);
  if (!(h->flags & GOUV_FLAG_ACTIVE)) return 0;
  gouv_light_deactivate(h);
  gouv_submit(h->loop, GOUV_REC(h), GOUV_SUB_WATCH);
  return 0;
}

int uv_idle_init(uv_loop_t* loop, uv_idle_t* h) {
  return watcher_init(loop, (uv_handle_t*)h, UV_IDLE, GOUV_PHASE_IDLE, "uv_idle_init");
}
int uv_idle_start(uv_idle_t* h, uv_idle_cb cb) {
  return watcher_start((uv_handle_t*)h, UV_IDLE, (void*)cb, "uv_idle_start");
}
int uv_idle_stop(uv_idle_t* h) {
  return watcher_stop((uv_handle_t*)h, UV_IDLE, "uv_idle_stop");
}

int uv_prepare_init(uv_loop_t* loop, uv_prepare_t* h) {
  return watcher_init(loop, (uv_handle_t*)h, UV_PREPARE, GOUV_PHASE_PREPARE, "uv_prepare_init");
}
int uv_prepare_start(uv_prepare_t* h, uv_prepare_cb cb) {
  return watcher_start((uv_handle_t*)h, UV_PREPARE, (void*)cb, "uv_prepare_start");
}
int uv_prepare_stop(uv_prepare_t* h) {
  return watcher_stop((uv_handle_t*)h, UV_PREPARE, "uv_prepare_stop");
}

int uv_check_init(uv_loop_t* loop, uv_check_t* h) {
  return watcher_init(loop, (uv_handle_t*)h, UV_CHECK, GOUV_PHASE_CHECK, "uv_check_init");
}
int uv_check_start(uv_check_t* h, uv_check_cb cb) {
  return watcher_start((uv_handle_t*)h, UV_CHECK, (void*)cb, "uv_check_start");
}
int uv_check_stop(uv_check_t* h) {
  return watcher_stop((uv_handle_t*)h, UV_CHECK, "uv_check_stop");
}
