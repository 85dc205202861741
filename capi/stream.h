/* Private declarations of the stream area's C files (streams, TCP, pipes,
 * TTYs, poll handles). */
#ifndef GOUV_STREAM_H
#define GOUV_STREAM_H

#include "capi.h"
#include <sys/types.h>

/* Stream state bits in uv_handle_t.flags, at libuv 1.44's values. io/stream.go
 * defines them for Go; capi/layout.go fails to compile if the two differ. */
#define GOUV__STREAM_CLOSING_BITS (GOUV_FLAG_CLOSING | GOUV_FLAG_CLOSED)
#define GOUV__STREAM_READ_EOF 0x800u
#define GOUV__STREAM_READING 0x1000u
#define GOUV__STREAM_READABLE 0x4000u
#define GOUV__STREAM_WRITABLE 0x8000u
#define GOUV__STREAM_SHUTTING 0x100u
#define GOUV__STREAM_SHUT 0x200u
#define GOUV__STREAM_CONNECTING 0x20000u /* io.FlagConnecting */
#define GOUV__STREAM_NOT_SOCKET 0x40000u /* io.FlagNotSocket */
#define GOUV__STREAM_BLOCKING_WRITES 0x100000u

/* A stream's private words: the connection callback, and the buffer of
 * the read in progress (what alloc_cb filled, what read_cb receives).
 * gouv_stream_a[1] through the end of io_watcher hold the Go stream
 * (io.Stream, whose watcher's descriptor is io_watcher.fd): C reads only
 * that descriptor there. */
#define GOUV__STREAM_CONNECTION_CB(s) ((s)->gouv_stream_a[0])
#define GOUV__STREAM_READ_BUF(s) ((uv_buf_t*)&(s)->gouv_stream_b[0])
/* The writes finished, whose callbacks have not run (stream_write.c). */
#define GOUV__STREAM_STAGED_HEAD(s) ((s)->gouv_stream_b[2])
#define GOUV__STREAM_STAGED_TAIL(s) ((s)->gouv_stream_b[3])

/* Whether s is an initialised stream with Go state (TCP, pipe, TTY) that
 * has not finished closing. */
static inline int gouv_is_stream(const uv_stream_t* s) {
  return s != NULL && s->gouv_gen == GOUV_HANDLE_TAG && s->gouv_slot != 0 &&
         (s->type == UV_TCP || s->type == UV_NAMED_PIPE || s->type == UV_TTY);
}

/* Whether s is a stream whose close has finished: gouv has forgotten it,
 * but its flags keep the closed bit, as libuv's do, and libuv answers calls
 * on it from its fields (a stop: 0; I/O: no descriptor). */
static inline int gouv_stream_closed(const uv_stream_t* s) {
  return s != NULL && (s->flags & GOUV_FLAG_CLOSED) &&
         (s->type == UV_TCP || s->type == UV_NAMED_PIPE || s->type == UV_TTY);
}

void gouv_stream_alloc(uv_stream_t* s);
void gouv_run_staged_writes(uv_stream_t* s);
void gouv_stream_connect_done(uv_stream_t* s, int status);
void gouv_stream_cancel_writes(uv_stream_t* s);
void gouv_tty_save_orig(int fd);

/* What the Go loop calls per event takes the handle (or request) as an
 * integer: cgo checks every pointer argument of a call for Go pointers, and
 * these are the host's memory (as trampoline.c's gouv_call_handle). */
void gouv_stream_read_direct(uintptr_t s, int max);
void gouv_stream_write_io(uintptr_t s);
void gouv_stream_run_writes(uintptr_t s);
void gouv_call_connect(uintptr_t req, int status);
void gouv_call_connection(uintptr_t s, int status);
void gouv_call_poll(uintptr_t p, int status, int events);

#endif
