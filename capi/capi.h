/* Private declarations shared by capi's Go and C files. */
#ifndef GOUV_CAPI_H
#define GOUV_CAPI_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

/* Tag stored in uv_handle_t.gouv_gen while a handle is initialised, so a
 * never-initialised (zeroed) or finished handle is told apart. */
#define GOUV_HANDLE_TAG 0x676f7576u

/* Handle state bits in uv_handle_t.flags, at libuv's values. loop/handle.go
 * defines them for Go; capi/layout.go fails to compile if the two differ. */
#define GOUV_FLAG_CLOSING 0x01u
#define GOUV_FLAG_CLOSED 0x02u
#define GOUV_FLAG_ACTIVE 0x04u
#define GOUV_FLAG_REF 0x08u
#define GOUV_FLAG_INTERNAL 0x10u

/* The loop's record of a handle (loop.Rec), kept in the handle from its
 * handle_queue field to its flags field; docs/design.md, "Handle memory is
 * the state". The Go loop owns the links; C code that changes a handle's
 * state outside the loop (a light handle's calls) queues the record on the
 * loop's submission list instead of touching them. */
typedef struct gouv_rec_s gouv_rec;
struct gouv_rec_s {
  gouv_rec* prev;
  gouv_rec* next;
  gouv_rec* closing;
  gouv_rec* sub_next;
  uint32_t sub;
  int32_t kind;
  uint32_t loop_no; /* loop.Rec.LoopNo: set by the Go loop */
  uint32_t spare;
  uint32_t slot; /* uv_handle_t.gouv_slot: 0 for a light handle */
  uint32_t tag;  /* uv_handle_t.gouv_gen */
  uint32_t flags; /* uv_handle_t.flags */
};

/* Submission bits in gouv_rec.sub (loop.SubQueued and the rest), and the
 * record bits C sets at init (loop.RecTimer, loop.RecWatcher and the
 * watcher's phase). */
#define GOUV_SUB_QUEUED (1u << 0)
#define GOUV_SUB_INIT (1u << 1)
#define GOUV_SUB_TIMER (1u << 2)
#define GOUV_SUB_WATCH (1u << 3)
#define GOUV_SUB_STARTED (1u << 4)
#define GOUV_SUB_OWNER (1u << 5)
#define GOUV_SUB_CLOSED (1u << 6)
#define GOUV_REC_TIMER (1u << 16)
#define GOUV_REC_WATCHER (1u << 17)
#define GOUV_REC_ASYNC (1u << 19)
#define GOUV_REC_PHASE_SHIFT 20
#define GOUV_PHASE_IDLE 0u
#define GOUV_PHASE_PREPARE 1u
#define GOUV_PHASE_CHECK 2u

/* The loop's submission lists (loop.Submissions), in uv_loop_t.gouv_sub. */
typedef struct {
  gouv_rec* head;
  gouv_rec* tail;
  gouv_rec* close_head;
  gouv_rec* close_tail;
} gouv_subs;

/* A timer's state (loop.TimerRec), from uv_timer_t.gouv_timer_cb on. */
typedef struct {
  uv_timer_cb cb;
  uint64_t due;
  uint64_t repeat;
  uint64_t seq;
  uint64_t heap_due;
  uint64_t heap_seq;
  int32_t index;
  uint32_t state;
} gouv_timer_rec;

#define GOUV_TIMER_READY 1u

/* An idle, prepare or check handle's state (loop.WatcherRec), in
 * gouv_watcher[3]; the links are the Go loop's. */
typedef struct {
  void* cb;
  void* prev;
  void* next;
} gouv_watcher_rec;

#define GOUV_WATCHER_REC(w) ((gouv_watcher_rec*)(void*)(w)->gouv_watcher)

/* An async handle's state (loop.AsyncRec), from uv_async_t.gouv_async_cb on:
 * its callback, the links of the loop's list (the Go loop's), and the word
 * senders share with the loop (async.c). */
typedef struct {
  uv_async_cb cb;
  void* prev;
  void* next;
  int pending;
  int busy;
} gouv_async_rec;

#define GOUV_REC(h) ((gouv_rec*)(void*)&((uv_handle_t*)(h))->handle_queue)
#define GOUV_HANDLE_OF_REC(r) \
  ((uv_handle_t*)(void*)((char*)(r) - offsetof(uv_handle_t, handle_queue)))
#define GOUV_TIMER_REC(t) ((gouv_timer_rec*)(void*)&(t)->gouv_timer_cb)
#define GOUV_SUBS(loop) ((gouv_subs*)(void*)(loop)->gouv_sub)

_Static_assert(offsetof(uv_handle_t, flags) - offsetof(uv_handle_t, handle_queue) ==
                   offsetof(gouv_rec, flags), "gouv_rec.flags");
_Static_assert(offsetof(uv_handle_t, gouv_slot) - offsetof(uv_handle_t, handle_queue) ==
                   offsetof(gouv_rec, slot), "gouv_rec.slot");
_Static_assert(offsetof(uv_handle_t, gouv_gen) - offsetof(uv_handle_t, handle_queue) ==
                   offsetof(gouv_rec, tag), "gouv_rec.tag");
_Static_assert(sizeof(uv_handle_t) - offsetof(uv_handle_t, handle_queue) == sizeof(gouv_rec),
               "gouv_rec fills the handle from handle_queue on");
_Static_assert(offsetof(uv_timer_t, gouv_timer_cb) ==
                   offsetof(uv_handle_t, handle_queue) + sizeof(gouv_rec),
               "a timer's record follows its handle record");
_Static_assert(sizeof(uv_timer_t) - offsetof(uv_timer_t, gouv_timer_cb) == sizeof(gouv_timer_rec),
               "gouv_timer_rec fills the timer");
_Static_assert(sizeof(((uv_loop_t*)0)->gouv_sub) == sizeof(gouv_subs), "gouv_subs");
_Static_assert(offsetof(uv_idle_t, gouv_watcher) ==
                   offsetof(uv_handle_t, handle_queue) + sizeof(gouv_rec),
               "a watcher's record follows its handle record");
_Static_assert(offsetof(uv_prepare_t, gouv_watcher) == offsetof(uv_idle_t, gouv_watcher) &&
                   offsetof(uv_check_t, gouv_watcher) == offsetof(uv_idle_t, gouv_watcher),
               "the three watcher types are laid out alike");
_Static_assert(sizeof(((uv_idle_t*)0)->gouv_watcher) == sizeof(gouv_watcher_rec),
               "gouv_watcher_rec");
_Static_assert(offsetof(uv_async_t, gouv_async_cb) ==
                   offsetof(uv_handle_t, handle_queue) + sizeof(gouv_rec),
               "an async handle's record follows its handle record");
_Static_assert(offsetof(uv_async_t, gouv_pending) - offsetof(uv_async_t, gouv_async_cb) ==
                   offsetof(gouv_async_rec, pending),
               "gouv_async_rec.pending is uv_async_t.gouv_pending");
_Static_assert(sizeof(uv_async_t) - offsetof(uv_async_t, gouv_async_cb) == sizeof(gouv_async_rec),
               "gouv_async_rec fills the async handle");

/* Queues a handle's record on its loop's submission list, once, with the
 * bits saying what the loop must catch up with. */
static inline void gouv_submit(uv_loop_t* loop, gouv_rec* r, uint32_t bits) {
  gouv_subs* s = GOUV_SUBS(loop);
  if (!(r->sub & GOUV_SUB_QUEUED)) {
    r->sub_next = NULL;
    if (s->tail != NULL)
      s->tail->sub_next = r;
    else
      s->head = r;
    s->tail = r;
  }
  r->sub |= bits | GOUV_SUB_QUEUED;
}

/* Queues a light handle closed outside the loop for its closing phase,
 * newest first, the closing queue's own order (loop.Submissions). */
static inline void gouv_submit_close(uv_loop_t* loop, gouv_rec* r) {
  gouv_subs* s = GOUV_SUBS(loop);
  r->closing = s->close_head;
  s->close_head = r;
  if (s->close_tail == NULL) s->close_tail = r;
}

/* Whether loop is a loop gouv has open (uv_loop_init succeeded and
 * uv_loop_close has not): its index in gouv's loop table is in range. */
#define GOUV_MAX_LOOPS (1u << 16)
static inline int gouv_loop_is_open(const uv_loop_t* loop) {
  return loop != NULL && loop->gouv_id != 0 && loop->gouv_id < GOUV_MAX_LOOPS;
}

/* Runs the close callbacks of light handles that left the loop (handle.c). */
void gouv_closed_batch(gouv_rec* first);

/* The timer's part of uv_close (timer.c). */
void gouv_timer_close(uv_timer_t* t);

/* A light handle's state bits and the loop's count of active handles, as
 * uv_*_start and uv_*_stop change them. */
static inline void gouv_light_activate(uv_handle_t* h) {
  gouv_rec* r = GOUV_REC(h);
  if (!(r->flags & GOUV_FLAG_ACTIVE)) {
    r->flags |= GOUV_FLAG_ACTIVE;
    if (r->flags & GOUV_FLAG_REF) h->loop->active_handles++;
  }
}

static inline void gouv_light_deactivate(uv_handle_t* h) {
  gouv_rec* r = GOUV_REC(h);
  if (r->flags & GOUV_FLAG_ACTIVE) {
    r->flags &= ~GOUV_FLAG_ACTIVE;
    if (r->flags & GOUV_FLAG_REF) h->loop->active_handles--;
  }
}

/* Whether h is an initialised light handle of the given type that has not
 * finished closing. */
static inline int gouv_light_is_open(const uv_handle_t* h, uv_handle_type type) {
  return h != NULL && h->gouv_gen == GOUV_HANDLE_TAG && h->type == type &&
         h->gouv_slot == 0 && !(h->flags & GOUV_FLAG_CLOSED);
}

/* Whether h is a handle of the given type whose close has finished: its
 * flags keep the closed bit, as libuv's do, and a stop on it answers 0 as
 * libuv's does. */
static inline int gouv_closed(const uv_handle_t* h, uv_handle_type type) {
  return h != NULL && h->type == type && (h->flags & GOUV_FLAG_CLOSED);
}

/* Makes h a fresh light handle of loop, queued to join the loop's list of
 * handles; sub holds its record bits. */
static inline void gouv_light_init(uv_loop_t* loop, uv_handle_t* h, uv_handle_type type,
                                   uint32_t sub) {
  gouv_rec* r;
  h->loop = loop;
  h->type = type;
  h->close_cb = NULL;
  r = GOUV_REC(h);
  memset(r, 0, sizeof(*r));
  r->kind = (int32_t)type;
  r->tag = GOUV_HANDLE_TAG;
  r->flags = GOUV_FLAG_REF;
  r->sub = sub;
  gouv_submit(loop, r, GOUV_SUB_INIT);
}

/* Trampolines: Go cannot call a C function pointer, so it calls these. */
void gouv_call_handle(uintptr_t fn, uintptr_t handle);
void gouv_call_walk(void* fn, void* handle, void* arg);

/* Reports a function that is not implemented yet: UV_ENOSYS, and a line on
 * stderr under GOUV_DEBUG=1. */
int gouv_enosys(const char* function);

/* epoll_wait on the thread's own stack (wait.c); -errno on failure. */
int gouv_epoll_wait(int epfd, uintptr_t events, int maxevents, int timeout,
                    int block_sigprof);

/* Adds SA_ONSTACK to the host's signal handlers (onstack.c). */
void gouv_host_handlers_onstack(int force);

/* UV_EINVAL for a buffer array no single send or write may take (bufs.c). */
int gouv_check_bufs(const uv_buf_t bufs[], unsigned int nbufs);

/* The default loop's storage lives in C (loop.c). */
void gouv_forget_default_loop(uv_loop_t* loop);

#endif
