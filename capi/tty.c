/* The terminal settings that uv_tty_reset_mode restores. They live in C
 * because the reset must be async-signal-safe (hosts call it from signal
 * handlers, where Go cannot run). */
#include "stream.h"

#include <errno.h>
#include <stdatomic.h>
#include <termios.h>

static struct termios gouv__orig_termios;
static int gouv__orig_fd = -1;
static atomic_int gouv__termios_lock;

/* Called before a terminal first leaves normal mode: the first such
 * terminal's settings are the ones a reset restores. */
void gouv_tty_save_orig(int fd) {
  while (atomic_exchange(&gouv__termios_lock, 1))
    ;
  if (gouv__orig_fd == -1 && tcgetattr(fd, &gouv__orig_termios) == 0)
    gouv__orig_fd = fd;
  atomic_store(&gouv__termios_lock, 0);
}

int uv_tty_reset_mode(void) {
  int saved_errno = errno;
  int err = 0;
  /* A signal may arrive while the lock is held: do not wait for it. */
  if (atomic_exchange(&gouv__termios_lock, 1))
    return UV_EBUSY;
  if (gouv__orig_fd != -1 && tcsetattr(gouv__orig_fd, TCSANOW, &gouv__orig_termios))
    err = -errno;
  atomic_store(&gouv__termios_lock, 0);
  errno = saved_errno;
  return err;
}

void uv_tty_set_vterm_state(uv_tty_vtermstate_t state) {
  /* Windows only. */
  (void)state;
}

int uv_tty_get_vterm_state(uv_tty_vtermstate_t* state) {
  (void)state;
  return UV_ENOTSUP;
}
