/* Functions of the fs area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

int uv_fs_event_getpath(uv_fs_event_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_fs_event_init(uv_loop_t* loop, uv_fs_event_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_event_start(uv_fs_event_t* handle, uv_fs_event_cb cb, const char* path, unsigned int flags) {
  (void)handle;
  (void)cb;
  (void)path;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_fs_event_stop(uv_fs_event_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_poll_getpath(uv_fs_poll_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_fs_poll_init(uv_loop_t* loop, uv_fs_poll_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_poll_start(uv_fs_poll_t* handle, uv_fs_poll_cb poll_cb, const char* path, unsigned int interval) {
  (void)handle;
  (void)poll_cb;
  (void)path;
  (void)interval;
  return gouv_enosys(__func__);
}

int uv_fs_poll_stop(uv_fs_poll_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}
