/* The generic handle and request API: type tags and names, struct sizes,
 * the data/loop accessors, ref/unref, uv_is_active, and uv_close (from a
 * handle's own callback, with or without a close callback, and the order in
 * which close callbacks run). */
#include <uv.h>

#include <pty.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

static void noop_async(uv_async_t* h) {
  (void)h;
}

static void noop_timer(uv_timer_t* h) {
  (void)h;
}

static void check_type(uv_handle_t* h, uv_handle_type type, const char* name) {
  CHECK_EQ(uv_handle_get_type(h), type);
  CHECK_EQ(h->type, type);
  CHECK(uv_handle_type_name(uv_handle_get_type(h)) != NULL);
  CHECK(strcmp(uv_handle_type_name(uv_handle_get_type(h)), name) == 0);
}

/* ---- types and names ----------------------------------------------------- */

TEST(initialized_handles_report_their_type_and_type_name) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_async_t async;
  uv_tcp_t tcp;
  uv_udp_t udp;
  uv_pipe_t pipe_h;
  uv_signal_t sig;
  uv_fs_event_t fs_event;
  uv_fs_poll_t fs_poll;
  uv_poll_t poll_h;
  uv_tty_t tty;
  int sv[2];
  int master, slave;

  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  CHECK_EQ(uv_tcp_init(&loop, &tcp), 0);
  CHECK_EQ(uv_udp_init(&loop, &udp), 0);
  CHECK_EQ(uv_pipe_init(&loop, &pipe_h, 0), 0);
  CHECK_EQ(uv_signal_init(&loop, &sig), 0);
  CHECK_EQ(uv_fs_event_init(&loop, &fs_event), 0);
  CHECK_EQ(uv_fs_poll_init(&loop, &fs_poll), 0);
  CHECK_EQ(uv_poll_init(&loop, &poll_h, sv[0]), 0);
  CHECK_EQ(uv_tty_init(&loop, &tty, slave, 0), 0);

  check_type((uv_handle_t*)&timer, UV_TIMER, "timer");
  check_type((uv_handle_t*)&idle, UV_IDLE, "idle");
  check_type((uv_handle_t*)&prepare, UV_PREPARE, "prepare");
  check_type((uv_handle_t*)&check, UV_CHECK, "check");
  check_type((uv_handle_t*)&async, UV_ASYNC, "async");
  check_type((uv_handle_t*)&tcp, UV_TCP, "tcp");
  check_type((uv_handle_t*)&udp, UV_UDP, "udp");
  check_type((uv_handle_t*)&pipe_h, UV_NAMED_PIPE, "pipe");
  check_type((uv_handle_t*)&sig, UV_SIGNAL, "signal");
  check_type((uv_handle_t*)&fs_event, UV_FS_EVENT, "fs_event");
  check_type((uv_handle_t*)&fs_poll, UV_FS_POLL, "fs_poll");
  check_type((uv_handle_t*)&poll_h, UV_POLL, "poll");
  check_type((uv_handle_t*)&tty, UV_TTY, "tty");

  close_calls = 0;
  uv_close((uv_handle_t*)&timer, count_close);
  uv_close((uv_handle_t*)&idle, count_close);
  uv_close((uv_handle_t*)&prepare, count_close);
  uv_close((uv_handle_t*)&check, count_close);
  uv_close((uv_handle_t*)&async, count_close);
  uv_close((uv_handle_t*)&tcp, count_close);
  uv_close((uv_handle_t*)&udp, count_close);
  uv_close((uv_handle_t*)&pipe_h, count_close);
  uv_close((uv_handle_t*)&sig, count_close);
  uv_close((uv_handle_t*)&fs_event, count_close);
  uv_close((uv_handle_t*)&fs_poll, count_close);
  uv_close((uv_handle_t*)&poll_h, count_close);
  uv_close((uv_handle_t*)&tty, count_close);
  finish_loop(&loop);
  CHECK_EQ(close_calls, 13);
  /* Closing a tty handle closes its fd (the pty slave); a poll handle
   * leaves its fd to the caller. */
  CHECK_EQ(close(sv[0]), 0);
  CHECK_EQ(close(sv[1]), 0);
  CHECK_EQ(close(master), 0);
}

TEST(handle_type_name_names_every_handle_type) {
  static const struct {
    uv_handle_type type;
    const char* name;
  } names[] = {
      {UV_ASYNC, "async"},     {UV_CHECK, "check"},
      {UV_FS_EVENT, "fs_event"}, {UV_FS_POLL, "fs_poll"},
      {UV_HANDLE, "handle"},   {UV_IDLE, "idle"},
      {UV_NAMED_PIPE, "pipe"}, {UV_POLL, "poll"},
      {UV_PREPARE, "prepare"}, {UV_PROCESS, "process"},
      {UV_STREAM, "stream"},   {UV_TCP, "tcp"},
      {UV_TIMER, "timer"},     {UV_TTY, "tty"},
      {UV_UDP, "udp"},         {UV_SIGNAL, "signal"},
      {UV_FILE, "file"},
  };
  size_t i;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const char* got = uv_handle_type_name(names[i].type);
    if (got == NULL || strcmp(got, names[i].name) != 0)
      fprintf(stderr, "type %d: got %s, want %s\n", (int)names[i].type,
              got ? got : "(null)", names[i].name);
    CHECK(got != NULL && strcmp(got, names[i].name) == 0);
  }
  CHECK(uv_handle_type_name(UV_UNKNOWN_HANDLE) == NULL);
  CHECK(uv_handle_type_name(UV_HANDLE_TYPE_MAX) == NULL);
}

TEST(handle_size_equals_sizeof_for_every_handle_type) {
  CHECK_EQ(uv_handle_size(UV_ASYNC), sizeof(uv_async_t));
  CHECK_EQ(uv_handle_size(UV_CHECK), sizeof(uv_check_t));
  CHECK_EQ(uv_handle_size(UV_FS_EVENT), sizeof(uv_fs_event_t));
  CHECK_EQ(uv_handle_size(UV_FS_POLL), sizeof(uv_fs_poll_t));
  CHECK_EQ(uv_handle_size(UV_HANDLE), sizeof(uv_handle_t));
  CHECK_EQ(uv_handle_size(UV_IDLE), sizeof(uv_idle_t));
  CHECK_EQ(uv_handle_size(UV_NAMED_PIPE), sizeof(uv_pipe_t));
  CHECK_EQ(uv_handle_size(UV_POLL), sizeof(uv_poll_t));
  CHECK_EQ(uv_handle_size(UV_PREPARE), sizeof(uv_prepare_t));
  CHECK_EQ(uv_handle_size(UV_PROCESS), sizeof(uv_process_t));
  CHECK_EQ(uv_handle_size(UV_STREAM), sizeof(uv_stream_t));
  CHECK_EQ(uv_handle_size(UV_TCP), sizeof(uv_tcp_t));
  CHECK_EQ(uv_handle_size(UV_TIMER), sizeof(uv_timer_t));
  CHECK_EQ(uv_handle_size(UV_TTY), sizeof(uv_tty_t));
  CHECK_EQ(uv_handle_size(UV_UDP), sizeof(uv_udp_t));
  CHECK_EQ(uv_handle_size(UV_SIGNAL), sizeof(uv_signal_t));
  /* Not a handle type with a struct: (size_t)-1. */
  CHECK(uv_handle_size(UV_UNKNOWN_HANDLE) == (size_t)-1);
  CHECK(uv_handle_size(UV_FILE) == (size_t)-1);
}

TEST(req_size_equals_sizeof_for_every_request_type) {
  CHECK_EQ(uv_req_size(UV_REQ), sizeof(uv_req_t));
  CHECK_EQ(uv_req_size(UV_CONNECT), sizeof(uv_connect_t));
  CHECK_EQ(uv_req_size(UV_WRITE), sizeof(uv_write_t));
  CHECK_EQ(uv_req_size(UV_SHUTDOWN), sizeof(uv_shutdown_t));
  CHECK_EQ(uv_req_size(UV_UDP_SEND), sizeof(uv_udp_send_t));
  CHECK_EQ(uv_req_size(UV_FS), sizeof(uv_fs_t));
  CHECK_EQ(uv_req_size(UV_WORK), sizeof(uv_work_t));
  CHECK_EQ(uv_req_size(UV_GETADDRINFO), sizeof(uv_getaddrinfo_t));
  CHECK_EQ(uv_req_size(UV_GETNAMEINFO), sizeof(uv_getnameinfo_t));
  CHECK_EQ(uv_req_size(UV_RANDOM), sizeof(uv_random_t));
  CHECK(uv_req_size(UV_UNKNOWN_REQ) == (size_t)-1);
}

TEST(req_type_name_names_every_request_type) {
  static const struct {
    uv_req_type type;
    const char* name;
  } names[] = {
      {UV_REQ, "req"},
      {UV_CONNECT, "connect"},
      {UV_WRITE, "write"},
      {UV_SHUTDOWN, "shutdown"},
      {UV_UDP_SEND, "udp_send"},
      {UV_FS, "fs"},
      {UV_WORK, "work"},
      {UV_GETADDRINFO, "getaddrinfo"},
      {UV_GETNAMEINFO, "getnameinfo"},
      {UV_RANDOM, "random"},
  };
  size_t i;
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const char* got = uv_req_type_name(names[i].type);
    if (got == NULL || strcmp(got, names[i].name) != 0)
      fprintf(stderr, "req type %d: got %s, want %s\n", (int)names[i].type,
              got ? got : "(null)", names[i].name);
    CHECK(got != NULL && strcmp(got, names[i].name) == 0);
  }
  CHECK(uv_req_type_name(UV_UNKNOWN_REQ) == NULL);
  CHECK(uv_req_type_name(UV_REQ_TYPE_MAX) == NULL);
}

/* ---- accessors -------------------------------------------------------------- */

TEST(handle_data_and_loop_accessors_use_the_public_fields) {
  uv_loop_t loop, other;
  uv_timer_t timer;
  uv_idle_t idle;
  int x, y;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_init(&other), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_idle_init(&other, &idle), 0);
  CHECK(uv_handle_get_loop((uv_handle_t*)&timer) == &loop);
  CHECK(timer.loop == &loop);
  CHECK(uv_handle_get_loop((uv_handle_t*)&idle) == &other);
  uv_handle_set_data((uv_handle_t*)&timer, &x);
  CHECK(timer.data == &x);
  CHECK(uv_handle_get_data((uv_handle_t*)&timer) == &x);
  idle.data = &y;
  CHECK(uv_handle_get_data((uv_handle_t*)&idle) == &y);
  uv_handle_set_data((uv_handle_t*)&idle, NULL);
  CHECK(idle.data == NULL);
  uv_close((uv_handle_t*)&timer, NULL);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
  finish_loop(&other);
}

TEST(handle_init_leaves_the_data_field_alone) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_async_t async;
  int x;
  CHECK_EQ(uv_loop_init(&loop), 0);
  timer.data = &x;
  async.data = &x;
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  CHECK(timer.data == &x);
  CHECK(async.data == &x);
  uv_close((uv_handle_t*)&timer, NULL);
  uv_close((uv_handle_t*)&async, NULL);
  finish_loop(&loop);
}

TEST(req_data_and_type_accessors_use_the_public_fields) {
  uv_loop_t loop;
  uv_fs_t req;
  uv_write_t wreq;
  int x;
  CHECK_EQ(uv_loop_init(&loop), 0);
  /* A synchronous fs call (no callback) initializes the request. */
  CHECK_EQ(uv_fs_stat(&loop, &req, ".", NULL), 0);
  CHECK_EQ(uv_req_get_type((uv_req_t*)&req), UV_FS);
  CHECK_EQ(req.type, UV_FS);
  CHECK(strcmp(uv_req_type_name(uv_req_get_type((uv_req_t*)&req)), "fs") == 0);
  uv_req_set_data((uv_req_t*)&req, &x);
  CHECK(req.data == &x);
  CHECK(uv_req_get_data((uv_req_t*)&req) == &x);
  uv_fs_req_cleanup(&req);
  wreq.data = &x;
  CHECK(uv_req_get_data((uv_req_t*)&wreq) == &x);
  uv_req_set_data((uv_req_t*)&wreq, NULL);
  CHECK(wreq.data == NULL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- ref / unref / active --------------------------------------------------- */

TEST(has_ref_follows_ref_and_unref_which_are_idempotent) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 1); /* referenced from init */
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 0);
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 0);
  uv_ref((uv_handle_t*)&timer);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 1);
  uv_ref((uv_handle_t*)&timer);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 1);
  /* One unref after two refs: refs do not nest. */
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(unref_of_an_active_handle_lets_the_loop_end_and_ref_brings_it_back) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  /* Unref before start: starting does not re-reference it. */
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_timer_start(&timer, noop_timer, 60000, 0), 0);
  CHECK_EQ(uv_has_ref((uv_handle_t*)&timer), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  uv_ref((uv_handle_t*)&timer);
  CHECK_EQ(loop.active_handles, 1);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(is_active_depends_on_the_handle_kind_and_its_state) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_async_t async;
  uv_signal_t sig;
  uv_tcp_t tcp;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  CHECK_EQ(uv_signal_init(&loop, &sig), 0);
  CHECK_EQ(uv_tcp_init(&loop, &tcp), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  CHECK(uv_is_active((uv_handle_t*)&async) != 0); /* active from init */
  CHECK_EQ(uv_is_active((uv_handle_t*)&sig), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&tcp), 0);
  CHECK_EQ(uv_timer_start(&timer, noop_timer, 60000, 0), 0);
  CHECK(uv_is_active((uv_handle_t*)&timer) != 0);
  /* Unreferencing does not deactivate. */
  uv_unref((uv_handle_t*)&timer);
  CHECK(uv_is_active((uv_handle_t*)&timer) != 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&async, NULL);
  CHECK_EQ(uv_is_active((uv_handle_t*)&async), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  uv_close((uv_handle_t*)&sig, NULL);
  uv_close((uv_handle_t*)&tcp, NULL);
  finish_loop(&loop);
}

/* ---- closing ------------------------------------------------------------------ */

static int self_close_calls;
static void idle_closes_itself(uv_idle_t* h) {
  self_close_calls++;
  uv_close((uv_handle_t*)h, count_close);
  CHECK(uv_is_closing((uv_handle_t*)h));
}

static void check_closes_itself(uv_check_t* h) {
  self_close_calls++;
  uv_close((uv_handle_t*)h, count_close);
}

TEST(handle_closed_from_its_own_callback_closes_once) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_check_t check;
  close_calls = 0;
  self_close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_idle_start(&idle, idle_closes_itself), 0);
  CHECK_EQ(uv_check_start(&check, check_closes_itself), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(self_close_calls, 2);
  CHECK_EQ(close_calls, 2);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int close_order[8];
static int nclosed;
static void record_close(uv_handle_t* h) {
  if (nclosed < 8)
    close_order[nclosed] = *(int*)h->data;
  nclosed++;
}

/* libuv 1.44 pushes each closed handle onto the front of a list and runs the
 * list front to back: close callbacks of one iteration run in the reverse of
 * the order uv_close was called. */
TEST(close_callbacks_of_one_iteration_run_in_reverse_close_order) {
  uv_loop_t loop;
  uv_timer_t a, b;
  uv_idle_t c;
  int ia = 1, ib = 2, ic = 3;
  nclosed = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &a), 0);
  CHECK_EQ(uv_timer_init(&loop, &b), 0);
  CHECK_EQ(uv_idle_init(&loop, &c), 0);
  a.data = &ia;
  b.data = &ib;
  c.data = &ic;
  uv_close((uv_handle_t*)&a, record_close);
  uv_close((uv_handle_t*)&b, record_close);
  uv_close((uv_handle_t*)&c, record_close);
  CHECK_EQ(nclosed, 0); /* never from inside uv_close */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(nclosed, 3);
  CHECK_EQ(close_order[0], 3);
  CHECK_EQ(close_order[1], 2);
  CHECK_EQ(close_order[2], 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static uv_timer_t chained;
static int chained_id = 9;
static int outer_id = 8;
static int close_iteration[2];
static int iteration;
static void record_close_iteration(uv_handle_t* h) {
  close_iteration[*(int*)h->data == outer_id ? 0 : 1] = iteration;
  if (*(int*)h->data == outer_id)
    uv_close((uv_handle_t*)&chained, record_close_iteration);
}
static void count_iteration(uv_prepare_t* h) {
  (void)h;
  iteration++;
}

TEST(handle_closed_inside_a_close_callback_closes_in_the_next_iteration) {
  uv_loop_t loop;
  uv_timer_t outer;
  uv_prepare_t prepare;
  iteration = 0;
  close_iteration[0] = close_iteration[1] = -1;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &outer), 0);
  CHECK_EQ(uv_timer_init(&loop, &chained), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_prepare_start(&prepare, count_iteration), 0);
  outer.data = &outer_id;
  chained.data = &chained_id;
  uv_close((uv_handle_t*)&outer, record_close_iteration);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(close_iteration[0], 1);
  CHECK_EQ(close_iteration[1], -1);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(close_iteration[1], 2);
  uv_close((uv_handle_t*)&prepare, NULL);
  finish_loop(&loop);
}

TEST(close_with_a_null_callback_still_releases_the_handle) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, noop_timer, 60000, 0), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  CHECK(uv_is_closing((uv_handle_t*)&timer));
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int closing_seen_in_close_cb = -1;
static void note_closing(uv_handle_t* h) {
  closing_seen_in_close_cb = uv_is_closing(h);
}

TEST(handle_is_still_closing_inside_its_close_callback) {
  uv_loop_t loop;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_is_closing((uv_handle_t*)&idle), 0);
  uv_close((uv_handle_t*)&idle, note_closing);
  CHECK(uv_is_closing((uv_handle_t*)&idle) != 0);
  finish_loop(&loop);
  CHECK(closing_seen_in_close_cb > 0);
}

HARNESS_MAIN
