/* uv_close: a light handle (one with no Go object, gouv_slot 0: timers,
 * idle, prepare, check and async handles)
 * closes here, without a crossing into Go; any other goes to Go's
 * gouv_close_go (handle.go). Either way the close callback runs in the
 * loop's closing phase, in the order of the uv_close calls. */
#include "capi.h"
#include "_cgo_export.h"

void uv_close(uv_handle_t* h, uv_close_cb cb) {
  gouv_rec* r;

  if (h == NULL || h->gouv_gen != GOUV_HANDLE_TAG || h->gouv_slot != 0 ||
      !gouv_loop_is_open(h->loop)) {
    gouv_close_go(h, cb);
    return;
  }
  r = GOUV_REC(h);
  if (r->flags & (GOUV_FLAG_CLOSING | GOUV_FLAG_CLOSED)) {
    gouv_close_go(h, cb); /* names the misuse under GOUV_DEBUG */
    return;
  }
  /* An active timer or watcher is in the timer heap or its phase's list,
   * and an async handle always is in the async list: the loop takes it out
   * when it drains. An inactive one is in none (or its stop is submitted
   * already), so its close costs the loop nothing but the closing phase. */
  if ((r->flags & GOUV_FLAG_ACTIVE) || h->type == UV_ASYNC)
    gouv_submit(h->loop, r, GOUV_SUB_CLOSED);
  r->flags |= GOUV_FLAG_CLOSING;
  h->close_cb = cb;
  if (h->type == UV_TIMER)
    gouv_timer_close((uv_timer_t*)h);
  else /* idle, prepare, check, async: they only stop counting here */
    gouv_light_deactivate(h);
  gouv_submit_close(h->loop, r);
}

/* The Go loop hands over light handles that have left it, linked by
 * `closing`. A handle is unmarked before its callback, since the host may
 * free it (or initialise it again) from there. */
void gouv_closed_batch(gouv_rec* first) {
  gouv_rec* r;
  gouv_rec* next;
  uv_handle_t* h;

  for (r = first; r != NULL; r = next) {
    next = r->closing;
    r->closing = NULL;
    h = GOUV_HANDLE_OF_REC(r);
    h->gouv_gen = 0;
    if (h->close_cb != NULL) h->close_cb(h);
  }
}
