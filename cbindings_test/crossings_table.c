/* The crossing table of docs/design.md ("Crossings per call"), one test per
 * row: each makes the call N times against the counting build of gouv
 * (build/lib-crossings, made with -tags gouvcrossings) and fails if the
 * calls into Go or out of it exceed what the table allows. The last test
 * checks the other half of that design: a host's hot handles and requests
 * cost the Go heap nothing each. libuv has no such counters, so these build
 * only against gouv. */
#include <uv.h>

#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

void gouv_crossings(uint64_t* c_to_go, uint64_t* go_to_c);
void gouv_go_allocs(uint64_t* objects);

#define N 1000

/* Counts between mark() and took(): calls into Go (this harness's own
 * query, one per reading, taken out) and calls out of Go. */
static uint64_t mark_in, mark_out;

static void mark(void) { gouv_crossings(&mark_in, &mark_out); }

static void took(uint64_t* in, uint64_t* out) {
  uint64_t i, o;
  gouv_crossings(&i, &o);
  *in = i - mark_in - 1;
  *out = o - mark_out;
}

static int fired;
static void count_timer(uv_timer_t* t) {
  (void)t;
  fired++;
}

TEST(timer_calls_cross_nothing) {
  static uv_timer_t t[N];
  uv_loop_t loop;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  mark();
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_timer_init(&loop, &t[i]), 0);
    CHECK_EQ(uv_timer_start(&t[i], count_timer, 1000, 0), 0);
    CHECK_EQ(uv_timer_stop(&t[i]), 0);
    CHECK_EQ(uv_timer_start(&t[i], count_timer, 1000, 7), 0);
    CHECK_EQ(uv_timer_again(&t[i]), 0);
    uv_timer_set_repeat(&t[i], 5);
    CHECK_EQ(uv_timer_get_repeat(&t[i]), 5);
    CHECK(uv_timer_get_due_in(&t[i]) > 0);
    CHECK(uv_is_active((uv_handle_t*)&t[i]));
    uv_update_time(&loop);
    (void)uv_now(&loop);
  }
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  mark();
  for (i = 0; i < N; i++) uv_close((uv_handle_t*)&t[i], NULL);
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(timer_callbacks_cross_once_each_and_closes_once_per_batch) {
  static uv_timer_t t[N];
  uv_loop_t loop;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_timer_init(&loop, &t[i]), 0);
    CHECK_EQ(uv_timer_start(&t[i], count_timer, 0, 0), 0);
  }
  fired = 0;
  mark();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  took(&in, &out);
  CHECK_EQ(fired, N);
  CHECK_EQ(in, 1);          /* uv_run */
  CHECK(out <= N + 4);      /* one per callback, a few polls */
  mark();
  for (i = 0; i < N; i++) uv_close((uv_handle_t*)&t[i], NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  took(&in, &out);
  CHECK_EQ(in, 1);          /* uv_run */
  /* the close callbacks in batches of up to 64 (loop.closeBatchMax) */
  CHECK(out <= (N + 63) / 64 + 4);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void noop_idle(uv_idle_t* h) { (void)h; }

static int checks;
static void stop_after_n(uv_check_t* h) {
  if (++checks == N) uv_check_stop(h);
}

TEST(idle_prepare_check_calls_cross_nothing_and_callbacks_once_each) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  mark();
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_idle_start(&idle, noop_idle), 0);
    CHECK_EQ(uv_idle_stop(&idle), 0);
    CHECK_EQ(uv_prepare_start(&prepare, (uv_prepare_cb)noop_idle), 0);
    CHECK_EQ(uv_prepare_stop(&prepare), 0);
  }
  CHECK_EQ(uv_check_start(&check, stop_after_n), 0);
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  checks = 0;
  mark();
  for (i = 0; i < N; i++) uv_run(&loop, UV_RUN_NOWAIT);
  took(&in, &out);
  CHECK_EQ(checks, N);
  CHECK_EQ(in, N);            /* uv_run */
  CHECK(out <= N + 4);        /* a callback per iteration */
  uv_close((uv_handle_t*)&idle, NULL);
  uv_close((uv_handle_t*)&prepare, NULL);
  uv_close((uv_handle_t*)&check, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void noop_async(uv_async_t* h) { (void)h; }

TEST(async_send_crosses_nothing) {
  uv_loop_t loop;
  uv_async_t async;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  mark();
  for (i = 0; i < N; i++) CHECK_EQ(uv_async_send(&async), 0);
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  uv_close((uv_handle_t*)&async, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int written;
static void count_write(uv_write_t* w, int status) {
  (void)w;
  CHECK_EQ(status, 0);
  written++;
}

/* A stream whose writes the socket takes whole: uv_write and uv_try_write
 * make the system call in C. */
TEST(writes_on_an_idle_stream_cross_nothing) {
  static uv_write_t reqs[N];
  uv_loop_t loop;
  uv_pipe_t p;
  int sv[2];
  char byte = 'x', sink[4096];
  uv_buf_t buf = uv_buf_init(&byte, 1);
  uint64_t in, out;
  int i;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, sv[0]), 0);
  mark();
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_try_write((uv_stream_t*)&p, &buf, 1), 1);
    CHECK_EQ(uv_write(&reqs[i], (uv_stream_t*)&p, &buf, 1, count_write), 0);
    /* A unix socket charges each small send far more than its byte:
     * keep its buffer empty so every write goes out whole. */
    while (read(sv[1], sink, sizeof sink) > 0) {
    }
  }
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  written = 0;
  mark();
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  took(&in, &out);
  CHECK_EQ(written, N);
  CHECK_EQ(in, 1);   /* uv_run */
  CHECK(out <= 4);   /* the write callbacks as one batch, a poll */
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sv[1]);
}

static int cancelled, shut;
static void count_cancel(uv_write_t* w, int status) {
  (void)w;
  if (status == UV_ECANCELED) cancelled++;
}
static void count_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  if (status == UV_ECANCELED) shut++;
}

/* Writes queued behind a full socket, and a shutdown behind them, cross
 * nothing either: the write engine is C. */
TEST(queued_writes_and_shutdown_cross_nothing) {
  static uv_write_t reqs[N];
  static char big[1 << 16];
  uv_loop_t loop;
  uv_pipe_t p;
  uv_shutdown_t sreq;
  int sv[2];
  uv_buf_t buf = uv_buf_init(big, sizeof big);
  uint64_t in, out;
  int i;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, sv[0]), 0);
  while (uv_try_write((uv_stream_t*)&p, &buf, 1) > 0) {
  }
  mark();
  for (i = 0; i < N; i++)
    CHECK_EQ(uv_write(&reqs[i], (uv_stream_t*)&p, &buf, 1, count_cancel), 0);
  CHECK_EQ(uv_try_write((uv_stream_t*)&p, &buf, 1), UV_EAGAIN);
  CHECK_EQ(uv_shutdown(&sreq, (uv_stream_t*)&p, count_shutdown), 0);
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  CHECK(p.write_queue_size > 0);
  cancelled = shut = 0;
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(cancelled, N);
  CHECK_EQ(shut, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sv[1]);
}

static void noop_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char mem[64];
  (void)h;
  (void)size;
  *buf = uv_buf_init(mem, sizeof mem);
}

static void noop_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)n;
  (void)buf;
}

TEST(read_start_and_stop_cross_nothing) {
  uv_loop_t loop;
  uv_pipe_t p;
  int sv[2];
  uint64_t in, out;
  int i;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, sv[0]), 0);
  mark();
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_read_start((uv_stream_t*)&p, noop_alloc, noop_read), 0);
    CHECK_EQ(uv_read_stop((uv_stream_t*)&p), 0);
  }
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sv[1]);
}

TEST(sync_stat_crosses_nothing) {
  uv_fs_t req;
  uint64_t in, out;
  int i;
  mark();
  for (i = 0; i < N; i++) {
    CHECK_EQ(uv_fs_stat(NULL, &req, "/", NULL), 0);
    uv_fs_req_cleanup(&req);
  }
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
}

static int works_done;
static void empty_work(uv_work_t* w) { (void)w; }
static void after_work(uv_work_t* w, int status) {
  (void)w;
  CHECK_EQ(status, 0);
  works_done++;
}

TEST(queue_work_crosses_once_per_request) {
  static uv_work_t reqs[64];
  uv_loop_t loop;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  works_done = 0;
  mark();
  for (i = 0; i < 64; i++)
    CHECK_EQ(uv_queue_work(&loop, &reqs[i], empty_work, after_work), 0);
  took(&in, &out);
  CHECK(in <= 64);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(works_done, 64);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int stats_done;
static void count_stat(uv_fs_t* req) {
  CHECK_EQ(req->result, 0);
  stats_done++;
  uv_fs_req_cleanup(req);
}

TEST(async_stat_crosses_once_per_request) {
  static uv_fs_t reqs[64];
  uv_loop_t loop;
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  stats_done = 0;
  mark();
  for (i = 0; i < 64; i++)
    CHECK_EQ(uv_fs_stat(&loop, &reqs[i], "/", count_stat), 0);
  took(&in, &out);
  CHECK(in <= 64);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(stats_done, 64);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int sends_done;
static void count_send(uv_udp_send_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  sends_done++;
}

TEST(udp_send_crosses_nothing) {
  static uv_udp_send_t reqs[64];
  uv_loop_t loop;
  uv_udp_t rx, tx;
  struct sockaddr_in addr;
  int namelen = sizeof addr;
  char byte = 'u';
  uv_buf_t buf = uv_buf_init(&byte, 1);
  uint64_t in, out;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_udp_init(&loop, &tx), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ(uv_udp_bind(&rx, (const struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_udp_getsockname(&rx, (struct sockaddr*)&addr, &namelen), 0);
  CHECK_EQ(uv_udp_bind(&tx, (const struct sockaddr*)&(struct sockaddr_in){.sin_family = AF_INET}, 0), 0);
  sends_done = 0;
  mark();
  for (i = 0; i < 64; i++)
    CHECK_EQ(uv_udp_send(&reqs[i], &tx, &buf, 1, (const struct sockaddr*)&addr, count_send), 0);
  took(&in, &out);
  CHECK_EQ(in, 0);
  CHECK_EQ(out, 0);
  /* Their callbacks: one call out of Go per round of completions. */
  mark();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  took(&in, &out);
  CHECK_EQ(sends_done, 64);
  CHECK(in <= 1);
  CHECK(out <= 4);
  uv_close((uv_handle_t*)&rx, NULL);
  uv_close((uv_handle_t*)&tx, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static char udp_slab[65536];
static int datagrams, empty_reads;
static void udp_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  *buf = uv_buf_init(udp_slab, sizeof udp_slab);
}
static void udp_count(uv_udp_t* h, ssize_t n, const uv_buf_t* buf, const struct sockaddr* addr,
                      unsigned flags) {
  (void)h;
  (void)buf;
  (void)flags;
  CHECK(n >= 0);
  if (n > 0) {
    CHECK(addr != NULL);
    datagrams++;
  } else {
    empty_reads++;
  }
}

TEST(udp_receives_of_one_event_cross_once) {
  uv_loop_t loop;
  uv_udp_t rx;
  struct sockaddr_in addr;
  int namelen = sizeof addr, i, fd;
  uint64_t in, out;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ(uv_udp_bind(&rx, (const struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_udp_getsockname(&rx, (struct sockaddr*)&addr, &namelen), 0);
  CHECK_EQ(uv_udp_recv_start(&rx, udp_alloc, udp_count), 0);
  /* Sixteen datagrams wait before the loop polls: one readiness event. */
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(fd >= 0);
  for (i = 0; i < 16; i++)
    CHECK_EQ(sendto(fd, "d", 1, 0, (const struct sockaddr*)&addr, sizeof addr), 1);
  close(fd);
  datagrams = empty_reads = 0;
  mark();
  uv_run(&loop, UV_RUN_NOWAIT);
  took(&in, &out);
  CHECK_EQ(datagrams, 16);
  CHECK_EQ(empty_reads, 1);
  /* uv_run itself, the poll, and one call that reads all sixteen. */
  CHECK(in <= 1);
  CHECK(out <= 2);
  uv_close((uv_handle_t*)&rx, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* The hot handle types and requests, one test each: H of them per round
 * (a descriptor each for TCP and UDP), made, started where they start, then
 * closed with the loop run to its end. */
#define H 200

enum hot { HOT_TCP, HOT_PIPE, HOT_UDP, HOT_TIMER, HOT_IDLE, HOT_ASYNC, HOT_WRITE, HOT_UDP_SEND };

static void close_all(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void hot_round(uv_loop_t* loop, enum hot kind) {
  static union {
    uv_tcp_t tcp[H];
    uv_pipe_t pipe[H];
    uv_udp_t udp[H];
    uv_timer_t timer[H];
    uv_idle_t idle[H];
    uv_async_t async[H];
    uv_write_t write[H];
    uv_udp_send_t send[H];
  } u;
  static uv_pipe_t writer;
  static uv_udp_t sender;
  struct sockaddr_in addr;
  int namelen = sizeof addr, sv[2] = {-1, -1}, i;
  uv_buf_t buf = uv_buf_init("x", 1);
  if (kind == HOT_WRITE) {
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_EQ(uv_pipe_init(loop, &writer, 0), 0);
    CHECK_EQ(uv_pipe_open(&writer, sv[0]), 0);
  }
  if (kind == HOT_UDP_SEND) {
    CHECK_EQ(uv_udp_init(loop, &sender), 0);
    CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
    CHECK_EQ(uv_udp_bind(&sender, (const struct sockaddr*)&addr, 0), 0);
    CHECK_EQ(uv_udp_getsockname(&sender, (struct sockaddr*)&addr, &namelen), 0);
  }
  for (i = 0; i < H; i++) {
    switch (kind) {
    case HOT_TCP: CHECK_EQ(uv_tcp_init_ex(loop, &u.tcp[i], AF_INET), 0); break;
    case HOT_PIPE: CHECK_EQ(uv_pipe_init(loop, &u.pipe[i], 0), 0); break;
    case HOT_UDP: CHECK_EQ(uv_udp_init_ex(loop, &u.udp[i], AF_INET), 0); break;
    case HOT_TIMER:
      CHECK_EQ(uv_timer_init(loop, &u.timer[i]), 0);
      CHECK_EQ(uv_timer_start(&u.timer[i], count_timer, 1000, 0), 0);
      break;
    case HOT_IDLE:
      CHECK_EQ(uv_idle_init(loop, &u.idle[i]), 0);
      CHECK_EQ(uv_idle_start(&u.idle[i], noop_idle), 0);
      break;
    case HOT_ASYNC: CHECK_EQ(uv_async_init(loop, &u.async[i], noop_async), 0); break;
    case HOT_WRITE:
      CHECK_EQ(uv_write(&u.write[i], (uv_stream_t*)&writer, &buf, 1, NULL), 0);
      break;
    case HOT_UDP_SEND:
      CHECK_EQ(uv_udp_send(&u.send[i], &sender, &buf, 1, (const struct sockaddr*)&addr, NULL), 0);
      break;
    }
  }
  uv_run(loop, UV_RUN_NOWAIT);
  uv_walk(loop, close_all, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  if (sv[1] != -1) close(sv[1]);
}

/* The second round, once the loop's own tables have grown to their size,
 * must allocate nothing on the Go heap: one object each would be H. */
static void check_no_go_allocs(enum hot kind) {
  uv_loop_t loop;
  uint64_t before, after;
  CHECK_EQ(uv_loop_init(&loop), 0);
  hot_round(&loop, kind);
  gouv_go_allocs(&before);
  hot_round(&loop, kind);
  gouv_go_allocs(&after);
  CHECK(after - before <= 8);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(tcp_handles_allocate_no_go_memory) { check_no_go_allocs(HOT_TCP); }
TEST(pipe_handles_allocate_no_go_memory) { check_no_go_allocs(HOT_PIPE); }
TEST(udp_handles_allocate_no_go_memory) { check_no_go_allocs(HOT_UDP); }
TEST(timers_allocate_no_go_memory) { check_no_go_allocs(HOT_TIMER); }
TEST(idle_handles_allocate_no_go_memory) { check_no_go_allocs(HOT_IDLE); }
TEST(async_handles_allocate_no_go_memory) { check_no_go_allocs(HOT_ASYNC); }
TEST(writes_allocate_no_go_memory) { check_no_go_allocs(HOT_WRITE); }
TEST(udp_sends_allocate_no_go_memory) { check_no_go_allocs(HOT_UDP_SEND); }

HARNESS_MAIN
