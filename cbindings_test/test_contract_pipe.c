/* The pipe and TTY pages of libuv 1.44's documentation, sentence by
 * sentence, where test_stream.c leaves a gap: the ipc member, long paths,
 * both name getters and their ENOBUFS, uv_pipe_pending_instances, the window
 * size, the vterm state calls, and uv_tty_init reopening the terminal. See
 * docs/contract.md. */
#define _GNU_SOURCE
#include <uv.h>

#include <fcntl.h>
#include <pty.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

TEST(pipe_init_records_the_ipc_flag_in_the_ipc_member) {
  uv_loop_t loop;
  uv_pipe_t a, b;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &a, 0), 0);
  CHECK_EQ(uv_pipe_init(&loop, &b, 1), 0);
  CHECK_EQ(a.ipc, 0);
  CHECK_EQ(b.ipc, 1);
  contract_finish(&loop);
}

/* libuv 1.44, and gouv, keep sizeof sun_path - 1 bytes of the name, so
 * that it stays terminated; libuv 1.53 (scripts/ref153.sh) fills the whole
 * of sun_path (docs/differences.md, "libuv 1.53 as a reference"). */
static size_t pipe_name_kept(size_t sun_path_size) {
  if (strstr(uv_version_string(), "gouv") == NULL && uv_version() >= 0x013500)
    return sun_path_size;
  return sun_path_size - 1;
}

TEST(pipe_bind_truncates_a_path_longer_than_sun_path) {
  uv_loop_t loop;
  uv_pipe_t p;
  struct sockaddr_un un;
  char longpath[sizeof un.sun_path + 40];
  char got[sizeof un.sun_path + 40];
  size_t n = sizeof got, keep = pipe_name_kept(sizeof un.sun_path);
  struct stat st;
  contract_path(longpath, sizeof longpath, "");
  memset(longpath + strlen(longpath), 'p', sizeof longpath - strlen(longpath));
  longpath[sizeof longpath - 1] = '\0';
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_bind(&p, longpath), 0);
  CHECK_EQ(uv_pipe_getsockname(&p, got, &n), 0);
  CHECK_EQ(n, keep);
  CHECK(memcmp(got, longpath, keep) == 0);
  /* The socket file carries the truncated name. */
  longpath[keep] = '\0';
  CHECK_EQ(stat(longpath, &st), 0);
  CHECK(S_ISSOCK(st.st_mode));
  contract_finish(&loop);
  unlink(longpath);
}

static void ignore_conn(uv_stream_t* s, int status) {
  /* One connection per test; static, so that nothing leaks once the walk
   * at the end closes it (LeakSanitizer checks the tests too). */
  static uv_pipe_t accepted;
  uv_pipe_t* c = &accepted;
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_pipe_init(s->loop, c, 0), 0);
  CHECK_EQ(uv_accept(s, (uv_stream_t*)c), 0);
}
static int pipe_connected;
static void on_pipe_connect(uv_connect_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  pipe_connected = 1;
}
static void free_close(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, h->data == (void*)1 ? NULL : NULL);
}

TEST(pipe_getsockname_and_getpeername_report_names_and_needed_sizes) {
  uv_loop_t loop;
  uv_pipe_t server, client;
  uv_connect_t req;
  char path[108], got[128];
  size_t n;
  contract_path(path, sizeof path, "names.sock");
  unlink(path);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &server, 0), 0);
  CHECK_EQ(uv_pipe_bind(&server, path), 0);
  uv_pipe_pending_instances(&server, 4);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 8, ignore_conn), 0);
  CHECK_EQ(uv_pipe_init(&loop, &client, 0), 0);
  uv_pipe_connect(&req, &client, path, on_pipe_connect);
  while (!pipe_connected)
    CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  n = sizeof got;
  CHECK_EQ(uv_pipe_getsockname(&server, got, &n), 0);
  CHECK_EQ(n, strlen(path));
  CHECK(memcmp(got, path, n) == 0);
  n = sizeof got;
  CHECK_EQ(uv_pipe_getpeername(&client, got, &n), 0);
  CHECK_EQ(n, strlen(path));
  CHECK(memcmp(got, path, n) == 0);
  /* A buffer one byte short: ENOBUFS and the size it needs. */
  n = strlen(path);
  CHECK_EQ(uv_pipe_getpeername(&client, got, &n), UV_ENOBUFS);
  CHECK_EQ(n, strlen(path) + 1);
  n = 4;
  CHECK_EQ(uv_pipe_getsockname(&server, got, &n), UV_ENOBUFS);
  CHECK_EQ(n, strlen(path) + 1);
  /* The unnamed end of the connection has an empty name. */
  n = sizeof got;
  CHECK_EQ(uv_pipe_getsockname(&client, got, &n), 0);
  CHECK_EQ(n, 0);
  uv_walk(&loop, free_close, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  unlink(path);
}

TEST(tty_get_winsize_reports_the_terminal_size) {
  uv_loop_t loop;
  uv_tty_t tty;
  struct winsize ws;
  int master, slave, w = 0, h = 0;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = 93;
  ws.ws_row = 27;
  CHECK_EQ(openpty(&master, &slave, NULL, NULL, &ws), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tty_init(&loop, &tty, slave, 0), 0);
  CHECK_EQ(uv_tty_get_winsize(&tty, &w, &h), 0);
  CHECK_EQ(w, 93);
  CHECK_EQ(h, 27);
  contract_finish(&loop);
  close(slave);
  close(master);
}

TEST(tty_vterm_state_is_ignored_when_set_and_enotsup_when_read_on_unix) {
  uv_tty_vtermstate_t st = UV_TTY_SUPPORTED;
  uv_tty_set_vterm_state(UV_TTY_UNSUPPORTED);
  CHECK_EQ(uv_tty_get_vterm_state(&st), UV_ENOTSUP);
}

TEST(tty_init_reopens_the_terminal_so_other_descriptors_stay_blocking) {
  uv_loop_t loop;
  uv_tty_t tty;
  int master, slave, other;
  CHECK_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
  other = dup(slave);
  CHECK(other >= 0);
  CHECK_EQ(fcntl(other, F_GETFL) & O_NONBLOCK, 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tty_init(&loop, &tty, slave, 0), 0);
  /* The handle's descriptor is non-blocking, the duplicate taken before is
   * not: they no longer share one open file description. */
  {
    uv_os_fd_t fd;
    CHECK_EQ(uv_fileno((uv_handle_t*)&tty, &fd), 0);
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
  }
  CHECK_EQ(fcntl(other, F_GETFL) & O_NONBLOCK, 0);
  contract_finish(&loop);
  close(other);
  close(slave);
  close(master);
}

TEST(tty_reset_mode_restores_the_mode_from_before_set_mode) {
  uv_loop_t loop;
  uv_tty_t tty;
  struct termios before, raw, after;
  int master, slave;
  CHECK_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
  CHECK_EQ(tcgetattr(slave, &before), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tty_init(&loop, &tty, slave, 0), 0);
  CHECK_EQ(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW), 0);
  CHECK_EQ(tcgetattr(slave, &raw), 0);
  CHECK_EQ(raw.c_lflag & ICANON, 0);
  CHECK_EQ(uv_tty_reset_mode(), 0);
  CHECK_EQ(tcgetattr(slave, &after), 0);
  CHECK_EQ(after.c_lflag, before.c_lflag);
  CHECK_EQ(after.c_iflag, before.c_iflag);
  CHECK_EQ(after.c_oflag, before.c_oflag);
  contract_finish(&loop);
  close(slave);
  close(master);
}

static int long_connected;
static void on_long_connect(uv_connect_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  long_connected = 1;
}
static void accept_and_keep(uv_stream_t* s, int status) {
  static uv_pipe_t conn;
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_pipe_init(s->loop, &conn, 0), 0);
  CHECK_EQ(uv_accept(s, (uv_stream_t*)&conn), 0);
}

TEST(pipe_connect_truncates_a_long_path_the_way_bind_does) {
  uv_loop_t loop;
  uv_pipe_t server, client;
  uv_connect_t req;
  struct sockaddr_un un;
  char longpath[sizeof un.sun_path + 40];
  contract_path(longpath, sizeof longpath, "c");
  memset(longpath + strlen(longpath), 'q', sizeof longpath - strlen(longpath));
  longpath[sizeof longpath - 1] = '\0';
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &server, 0), 0);
  CHECK_EQ(uv_pipe_bind(&server, longpath), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 4, accept_and_keep), 0);
  CHECK_EQ(uv_pipe_init(&loop, &client, 0), 0);
  /* Both truncate the same way, so the long name reaches the server. */
  uv_pipe_connect(&req, &client, longpath, on_long_connect);
  while (!long_connected)
    CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  contract_finish(&loop);
  longpath[sizeof un.sun_path - 1] = '\0';
  unlink(longpath);
}

TEST(tty_init_on_a_descriptor_it_cannot_reopen_keeps_it_blocking) {
  uv_loop_t loop;
  uv_tty_t tty;
  int master, slave;
  CHECK_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
  CHECK_EQ(fcntl(master, F_GETFL) & O_NONBLOCK, 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  /* A pty master is a terminal but not one libuv can reopen: it falls back
   * to blocking writes and leaves the descriptor as it was. */
  CHECK_EQ(uv_tty_init(&loop, &tty, master, 0), 0);
  CHECK_EQ(fcntl(master, F_GETFL) & O_NONBLOCK, 0);
  contract_finish(&loop);
  close(slave);
}

HARNESS_MAIN
