/* Timers are light handles: the host's uv_timer_t holds all their state
 * (gouv_rec, then gouv_timer_rec) and no Go object stands behind them.
 * Every uv_timer_* call runs here, on the loop thread, without a crossing
 * into Go: it answers from the handle's own fields, updates the handle's
 * state bits and the loop's active count as the call requires, and queues
 * the handle on the loop's submission list so that the Go loop, which owns
 * the list of handles and the timer heap, catches up before it next looks
 * at them (docs/design.md, "Light handles"). */
#include "capi.h"
#include "_cgo_export.h"

/* Whether t is an initialised timer that has not finished closing. */
static int timer_is_open(const uv_timer_t* t) {
  return gouv_light_is_open((const uv_handle_t*)t, UV_TIMER);
}

int uv_timer_init(uv_loop_t* loop, uv_timer_t* t) {
  gouv_timer_rec* tr;

  if (t == NULL || !gouv_loop_is_open(loop))
    return gouv_misuse("uv_timer_init", t);
  tr = GOUV_TIMER_REC(t);
  memset(tr, 0, sizeof(*tr));
  tr->index = -1;
  gouv_light_init(loop, (uv_handle_t*)t, UV_TIMER, GOUV_REC_TIMER);
  return 0;
}

int uv_timer_start(uv_timer_t* t, uv_timer_cb cb, uint64_t timeout,
                   uint64_t repeat) {
  uv_loop_t* loop;
  gouv_timer_rec* tr;
  uint64_t due;

  if (!timer_is_open(t)) return gouv_misuse("uv_timer_start", t);
  if (cb == NULL || (t->flags & GOUV_FLAG_CLOSING)) return UV_EINVAL;
  loop = t->loop;
  tr = GOUV_TIMER_REC(t);
  due = loop->time + timeout;
  if (due < timeout) /* overflow: never due */
    due = UINT64_MAX;
  tr->cb = cb;
  tr->due = due;
  tr->repeat = repeat;
  tr->seq = loop->gouv_timer_seq++;
  tr->state &= ~GOUV_TIMER_READY;
  gouv_light_activate((uv_handle_t*)t);
  gouv_submit(loop, GOUV_REC(t), GOUV_SUB_TIMER);
  return 0;
}

int uv_timer_stop(uv_timer_t* t) {
  if (!timer_is_open(t))
    return gouv_closed((uv_handle_t*)t, UV_TIMER) ? 0 : gouv_misuse("uv_timer_stop", t);
  GOUV_TIMER_REC(t)->state &= ~GOUV_TIMER_READY;
  if (t->flags & GOUV_FLAG_ACTIVE) {
    gouv_light_deactivate((uv_handle_t*)t);
    gouv_submit(t->loop, GOUV_REC(t), GOUV_SUB_TIMER);
  }
  return 0;
}

int uv_timer_again(uv_timer_t* t) {
  gouv_timer_rec* tr;

  if (!timer_is_open(t)) return gouv_misuse("uv_timer_again", t);
  tr = GOUV_TIMER_REC(t);
  if (tr->cb == NULL) return UV_EINVAL;
  if (tr->repeat != 0) {
    uv_timer_stop(t);
    return uv_timer_start(t, tr->cb, tr->repeat, tr->repeat);
  }
  return 0;
}

void uv_timer_set_repeat(uv_timer_t* t, uint64_t repeat) {
  if (timer_is_open(t)) GOUV_TIMER_REC(t)->repeat = repeat;
}

/* The getters answer from the handle's fields, as libuv's do, also once
 * its close has finished (the fields stay until the host reuses it). */
static int timer_readable(const uv_timer_t* t) {
  return timer_is_open(t) || gouv_closed((const uv_handle_t*)t, UV_TIMER);
}

uint64_t uv_timer_get_repeat(const uv_timer_t* t) {
  return timer_readable(t) ? GOUV_TIMER_REC((uv_timer_t*)t)->repeat : 0;
}

uint64_t uv_timer_get_due_in(const uv_timer_t* t) {
  uint64_t due, now;

  if (!timer_readable(t)) return 0;
  due = GOUV_TIMER_REC((uv_timer_t*)t)->due;
  now = t->loop->time;
  return due > now ? due - now : 0;
}

/* Closing a timer (handle.c): it leaves the running timer phase and stops
 * counting; the Go loop takes it out of the heap when it drains the close. */
void gouv_timer_close(uv_timer_t* t) {
  GOUV_TIMER_REC(t)->state &= ~GOUV_TIMER_READY;
  gouv_light_deactivate((uv_handle_t*)t);
}
