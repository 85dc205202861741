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
