/* What a closed loop or handle looks like and how calls on it answer. Debian's libuv
 * is built with assertions enabled, and then uv_loop_close fills the loop
 * with 0xff bytes, keeping only the data pointer. Programs come to depend
 * on what follows from that: a second uv_loop_close says UV_EBUSY (so a
 * "close until UV_EBUSY" shutdown loop ends), uv_loop_alive says alive,
 * and uv_loop_init on the same memory starts a fresh loop. */
#include <uv.h>

#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

/* Every byte of the loop but those of its data pointer is 0xff. */
static void check_closed_pattern(const uv_loop_t* loop) {
  const unsigned char* p = (const unsigned char*)loop;
  size_t data_at = offsetof(uv_loop_t, data);
  size_t i;
  for (i = 0; i < sizeof(*loop); i++) {
    if (i >= data_at && i < data_at + sizeof(loop->data))
      continue;
    if (p[i] != 0xff) {
      fprintf(stderr, "byte %zu of the closed loop is 0x%02x\n", i, p[i]);
      CHECK(p[i] == 0xff);
    }
  }
}

static void noop_timer(uv_timer_t* t) { (void)t; }

static int default_fired;

static void default_timer_cb(uv_timer_t* t) {
  (void)t;
  default_fired++;
}

TEST(closed_loop_is_all_0xff_bytes_except_data) {
  uv_loop_t loop;
  int marker;
  memset(&loop, 0, sizeof(loop));
  loop.data = &marker;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  check_closed_pattern(&loop);
  CHECK(loop.data == &marker);
  CHECK(uv_loop_get_data(&loop) == &marker);
}

TEST(a_loop_that_ran_handles_is_also_all_0xff_after_close) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  loop.data = NULL;
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, noop_timer, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  check_closed_pattern(&loop);
  CHECK(loop.data == NULL);
}

TEST(closing_a_closed_loop_again_says_ebusy_and_it_reads_alive) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK(uv_loop_alive(&loop) != 0);
  /* The fields a host reads directly hold what the pattern gives them. */
  CHECK_EQ(uv_backend_fd(&loop), -1);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  CHECK(uv_now(&loop) == UINT64_MAX);
  CHECK(loop.active_handles == UINT_MAX);
  CHECK(loop.stop_flag == UINT_MAX);
  /* None of these calls changed a byte. */
  check_closed_pattern(&loop);
}

/* The shutdown idiom some bindings use: close until the library says the
 * loop is busy, which on a closed loop it always does. */
TEST(close_until_ebusy_shutdown_loop_ends) {
  uv_loop_t loop;
  uv_idle_t idle;
  int calls = 0;
  int rc;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  close_calls = 0;
  uv_close((uv_handle_t*)&idle, count_close);
  do {
    rc = uv_loop_close(&loop);
    if (rc == 0)
      break;
    CHECK_EQ(rc, UV_EBUSY);
    CHECK(uv_run(&loop, UV_RUN_ONCE) >= 0);
    CHECK(++calls < 100);
  } while (1);
  CHECK_EQ(close_calls, 1);
  calls = 0;
  do {
    rc = uv_loop_close(&loop);
    CHECK(++calls < 100);
  } while (rc != UV_EBUSY);
  CHECK_EQ(calls, 1);
}

TEST(loop_init_on_a_closed_loop_makes_a_fresh_open_loop) {
  uv_loop_t loop;
  uv_timer_t timer;
  int marker;
  CHECK_EQ(uv_loop_init(&loop), 0);
  loop.data = &marker;
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK(loop.data == &marker);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(loop.stop_flag, 0);
  CHECK(uv_backend_fd(&loop) >= 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  default_fired = 0;
  CHECK_EQ(uv_timer_start(&timer, default_timer_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(default_fired, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  /* And it closes like any other loop. */
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
}

/* After the default loop is closed, uv_default_loop() opens a new one (in
 * the same static storage, in both libraries) that works like the first. */
TEST(default_loop_after_close_is_a_new_working_loop) {
  uv_loop_t* first = uv_default_loop();
  uv_loop_t* second;
  uv_timer_t timer;
  int round;
  CHECK(first != NULL);
  for (round = 0; round < 3; round++) {
    uv_loop_t* loop = uv_default_loop();
    default_fired = 0;
    CHECK(loop != NULL);
    CHECK_EQ(uv_loop_alive(loop), 0);
    CHECK_EQ(uv_timer_init(loop, &timer), 0);
    CHECK_EQ(uv_timer_start(&timer, default_timer_cb, 1, 0), 0);
    CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
    CHECK_EQ(default_fired, 1);
    uv_close((uv_handle_t*)&timer, NULL);
    CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
    CHECK_EQ(uv_loop_close(loop), 0);
    check_closed_pattern(loop);
    CHECK_EQ(uv_loop_close(loop), UV_EBUSY);
  }
  second = uv_default_loop();
  CHECK(second == first);
  CHECK_EQ(uv_loop_alive(second), 0);
  CHECK_EQ(uv_loop_close(second), 0);
}

/* ---- closed handles ---------------------------------------------------
 * After its close callback a handle keeps its type, loop and data, reads
 * as closing, inactive and unreferenced, and the calls a program makes in
 * clean-up code answer as libuv's do: stopping is a no-op that returns 0,
 * I/O on a closed stream says UV_EBADF (shutdown: UV_ENOTCONN), and the
 * path getters say UV_EINVAL with *size 0. */

static void alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[64];
  (void)h;
  (void)size;
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)n;
  (void)buf;
}

static void idle_cb(uv_idle_t* h) { (void)h; }
static void fs_event_cb(uv_fs_event_t* h, const char* f, int e, int st) {
  (void)h;
  (void)f;
  (void)e;
  (void)st;
}
static void fs_poll_cb(uv_fs_poll_t* h, int st, const uv_stat_t* a,
                       const uv_stat_t* b) {
  (void)h;
  (void)st;
  (void)a;
  (void)b;
}
static void write_cb(uv_write_t* r, int st) {
  (void)r;
  (void)st;
}
static void shutdown_cb(uv_shutdown_t* r, int st) {
  (void)r;
  (void)st;
}

TEST(calls_on_closed_handles_answer_as_libuv_does) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_pipe_t pipe;
  uv_tcp_t tcp;
  uv_fs_event_t fsev;
  uv_fs_poll_t fsp;
  uv_handle_t* all[7];
  uv_write_t wreq;
  uv_shutdown_t sreq;
  uv_buf_t buf = uv_buf_init("x", 1);
  uv_os_fd_t fd;
  struct sockaddr_storage ss;
  int sslen = sizeof(ss);
  char name[256];
  size_t size;
  int sv[2];
  int marker;
  int i;

  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, idle_cb), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_pipe_init(&loop, &pipe, 0), 0);
  CHECK_EQ(uv_pipe_open(&pipe, sv[0]), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&pipe, alloc_cb, read_cb), 0);
  CHECK_EQ(uv_tcp_init(&loop, &tcp), 0);
  CHECK_EQ(uv_fs_event_init(&loop, &fsev), 0);
  CHECK_EQ(uv_fs_event_start(&fsev, fs_event_cb, "/tmp", 0), 0);
  CHECK_EQ(uv_fs_poll_init(&loop, &fsp), 0);
  CHECK_EQ(uv_fs_poll_start(&fsp, fs_poll_cb, "/tmp", 1000), 0);
  all[0] = (uv_handle_t*)&idle;
  all[1] = (uv_handle_t*)&prepare;
  all[2] = (uv_handle_t*)&check;
  all[3] = (uv_handle_t*)&pipe;
  all[4] = (uv_handle_t*)&tcp;
  all[5] = (uv_handle_t*)&fsev;
  all[6] = (uv_handle_t*)&fsp;
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  for (i = 0; i < 7; i++) {
    all[i]->data = &marker;
    uv_close(all[i], NULL);
  }
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  for (i = 0; i < 7; i++) {
    CHECK(uv_is_closing(all[i]) != 0);
    CHECK_EQ(uv_is_active(all[i]), 0);
    CHECK_EQ(uv_has_ref(all[i]), 0);
    CHECK(all[i]->loop == &loop);
    CHECK(all[i]->data == &marker);
  }
  CHECK_EQ(idle.type, UV_IDLE);
  CHECK_EQ(pipe.type, UV_NAMED_PIPE);
  CHECK_EQ(tcp.type, UV_TCP);

  /* Stopping what is closed does nothing. */
  CHECK_EQ(uv_idle_stop(&idle), 0);
  CHECK_EQ(uv_prepare_stop(&prepare), 0);
  CHECK_EQ(uv_check_stop(&check), 0);
  CHECK_EQ(uv_read_stop((uv_stream_t*)&pipe), 0);
  CHECK_EQ(uv_fs_event_stop(&fsev), 0);
  CHECK_EQ(uv_fs_poll_stop(&fsp), 0);

  /* A closed stream has no descriptor. */
  CHECK_EQ(uv_read_start((uv_stream_t*)&pipe, alloc_cb, read_cb), UV_EINVAL);
  CHECK_EQ(uv_write(&wreq, (uv_stream_t*)&pipe, &buf, 1, write_cb), UV_EBADF);
  CHECK_EQ(uv_try_write((uv_stream_t*)&pipe, &buf, 1), UV_EBADF);
  CHECK_EQ(uv_shutdown(&sreq, (uv_stream_t*)&pipe, shutdown_cb), UV_ENOTCONN);
  CHECK_EQ(uv_fileno((uv_handle_t*)&pipe, &fd), UV_EBADF);
  CHECK_EQ(uv_fileno((uv_handle_t*)&tcp, &fd), UV_EBADF);
  CHECK_EQ(uv_is_readable((uv_stream_t*)&pipe), 0);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&pipe), 0);
  CHECK_EQ(pipe.write_queue_size, 0);
  size = sizeof(name);
  CHECK_EQ(uv_pipe_getsockname(&pipe, name, &size), UV_EBADF);
  CHECK_EQ(size, 0);
  CHECK_EQ(uv_tcp_getsockname(&tcp, (struct sockaddr*)&ss, &sslen), UV_EBADF);
  CHECK_EQ(uv_tcp_getpeername(&tcp, (struct sockaddr*)&ss, &sslen), UV_EBADF);
  /* Without a socket, libuv only records these options. */
  CHECK_EQ(uv_tcp_nodelay(&tcp, 1), 0);
  CHECK_EQ(uv_tcp_keepalive(&tcp, 1, 10), 0);

  /* The path getters of a handle that is not active. */
  size = sizeof(name);
  CHECK_EQ(uv_fs_event_getpath(&fsev, name, &size), UV_EINVAL);
  CHECK_EQ(size, 0);
  CHECK(fsev.path == NULL);
  size = sizeof(name);
  CHECK_EQ(uv_fs_poll_getpath(&fsp, name, &size), UV_EINVAL);
  CHECK_EQ(size, 0);

  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sv[1]);
}

/* ---- requests after their callback ------------------------------------ */

static int stat_path_set;
static int stat_ptr_is_statbuf;

static void stat_cb(uv_fs_t* req) {
  stat_path_set = req->path != NULL && strcmp(req->path, "/") == 0;
  stat_ptr_is_statbuf = req->ptr == &req->statbuf;
}

/* An fs request keeps its type and result after uv_fs_req_cleanup, which
 * clears the path and the result pointer. */
TEST(fs_request_fields_during_the_callback_and_after_cleanup) {
  uv_loop_t loop;
  uv_fs_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_fs_stat(&loop, &req, "/", stat_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(stat_path_set, 1);
  CHECK_EQ(stat_ptr_is_statbuf, 1);
  CHECK_EQ(req.result, 0);
  uv_fs_req_cleanup(&req);
  CHECK(req.path == NULL);
  CHECK(req.ptr == NULL);
  CHECK_EQ(req.result, 0);
  CHECK_EQ(req.fs_type, UV_FS_STAT);
  CHECK_EQ(req.type, UV_FS);
  /* The synchronous form: the same fields. */
  CHECK_EQ(uv_fs_stat(&loop, &req, "/", NULL), 0);
  CHECK(req.path != NULL && strcmp(req.path, "/") == 0);
  CHECK(req.ptr == &req.statbuf);
  uv_fs_req_cleanup(&req);
  CHECK(req.path == NULL);
  CHECK(req.ptr == NULL);
  CHECK_EQ(uv_fs_open(&loop, &req, "/nonexistent/gouv", 0, 0, NULL), UV_ENOENT);
  CHECK_EQ(req.result, UV_ENOENT);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(req.result, UV_ENOENT);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int exits;

static void exit_cb(uv_process_t* p, int64_t status, int sig) {
  (void)p;
  CHECK_EQ(status, 0);
  CHECK_EQ(sig, 0);
  exits++;
}

/* A process handle keeps its pid after the exit callback and after its
 * close; signalling the reaped process says UV_ESRCH. */
TEST(process_keeps_its_pid_after_exit_and_close) {
  uv_loop_t loop;
  uv_process_t proc;
  uv_process_options_t o;
  char* args[] = {"/bin/true", NULL};
  int pid;
  memset(&o, 0, sizeof(o));
  o.file = args[0];
  o.args = args;
  o.exit_cb = exit_cb;
  exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_spawn(&loop, &proc, &o), 0);
  pid = proc.pid;
  CHECK(pid > 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  CHECK_EQ(proc.pid, pid);
  CHECK_EQ(uv_is_active((uv_handle_t*)&proc), 0);
  CHECK_EQ(uv_process_kill(&proc, 0), UV_ESRCH);
  uv_close((uv_handle_t*)&proc, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(proc.pid, pid);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void noop_tick(uv_timer_t* t) { (void)t; }

/* After its close callback a timer is forgotten by the loop, but libuv
 * answers a stop (0) and the getters from the fields it left. */
TEST(closed_timer_stops_with_zero_and_keeps_its_repeat) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, noop_tick, 1000, 250), 0);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(uv_is_closing((uv_handle_t*)&t));
  CHECK_EQ(uv_timer_stop(&t), 0);
  CHECK_EQ(uv_timer_get_repeat(&t), 250);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
