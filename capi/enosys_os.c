/* Functions of the os area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

int uv_process_kill(uv_process_t* process, int signum) {
  (void)process;
  (void)signum;
  return gouv_enosys(__func__);
}

int uv_spawn(uv_loop_t* loop, uv_process_t* handle, const uv_process_options_t* options) {
  (void)loop;
  (void)handle;
  (void)options;
  return gouv_enosys(__func__);
}
