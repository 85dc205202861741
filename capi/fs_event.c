/* fs_event and fs_poll take const paths, which a Go export cannot
 * declare; getpath only copies a string, which C does without a crossing
 * for fs_event (its path is a public field). */
#include "fs.h"
#include "_cgo_export.h"

#include <string.h>

int uv_fs_event_start(uv_fs_event_t* handle, uv_fs_event_cb cb,
                      const char* path, unsigned int flags) {
  if (path == NULL)
    return UV_EINVAL;
  return gouv_fs_event_start(handle, cb, (char*)path, flags);
}

int uv_fs_poll_start(uv_fs_poll_t* handle, uv_fs_poll_cb cb, const char* path,
                     unsigned int interval) {
  if (path == NULL)
    return UV_EINVAL;
  return gouv_fs_poll_start(handle, cb, (char*)path, interval);
}

/* libuv's rule: the size needed includes the NUL; on success *size is the
 * length without it. */
int gouv_fs_copy_path(const char* path, size_t len, char* buffer, size_t* size) {
  if (buffer == NULL || size == NULL)
    return UV_EINVAL;
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, path, len);
  buffer[len] = '\0';
  *size = len;
  return 0;
}

int uv_fs_event_getpath(uv_fs_event_t* handle, char* buffer, size_t* size) {
  if (handle == NULL || size == NULL)
    return UV_EINVAL;
  if (!uv_is_active((uv_handle_t*)handle) || handle->path == NULL) {
    *size = 0;
    return UV_EINVAL;
  }
  return gouv_fs_copy_path(handle->path, strlen(handle->path), buffer, size);
}

/* fs_poll's ticker (uvio.FSPollTicker): a timer of the host's loop in
 * memory of its own, with the host's callback, as libuv's poll context is,
 * so that no record in Go memory joins the loop's lists of C records. It
 * is made at each start, hidden from uv_walk and uv_loop_close's busy check
 * (GOUV_FLAG_INTERNAL) and unreferenced; closed at stop, it frees itself
 * from its close callback. */
typedef struct {
  uv_timer_t timer; /* first: the close callback frees from it */
  uv_fs_poll_cb cb;
} gouv_fs_poll_ctx;

static void fs_poll_tick(uv_timer_t* timer) {
  gouv_fs_poll_timer((uv_fs_poll_t*)timer->data);
}

static void fs_poll_ctx_free(uv_handle_t* timer) { free(timer); }

int gouv_fs_poll_open(uv_fs_poll_t* handle, void* cb) {
  gouv_fs_poll_ctx* ctx = malloc(sizeof *ctx);
  if (ctx == NULL)
    return UV_ENOMEM;
  uv_timer_init(handle->loop, &ctx->timer);
  ctx->timer.flags |= GOUV_FLAG_INTERNAL;
  uv_unref((uv_handle_t*)&ctx->timer);
  ctx->timer.data = handle;
  ctx->cb = (uv_fs_poll_cb)cb;
  handle->poll_ctx = ctx;
  return 0;
}

void gouv_fs_poll_arm(uv_fs_poll_t* handle, uint64_t ms) {
  gouv_fs_poll_ctx* ctx = handle->poll_ctx;
  uv_timer_start(&ctx->timer, fs_poll_tick, ms, 0);
}

void gouv_fs_poll_close(uv_fs_poll_t* handle) {
  gouv_fs_poll_ctx* ctx = handle->poll_ctx;
  if (ctx == NULL)
    return;
  handle->poll_ctx = NULL;
  uv_close((uv_handle_t*)&ctx->timer, fs_poll_ctx_free);
}

void gouv_fs_poll_call(uv_fs_poll_t* handle, int status, const void* prev,
                       const void* curr) {
  gouv_fs_poll_ctx* ctx = handle->poll_ctx;
  if (ctx != NULL)
    ctx->cb(handle, status, (const uv_stat_t*)prev, (const uv_stat_t*)curr);
}
