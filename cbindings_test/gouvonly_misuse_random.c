/* Misuse at random: for a fixed set of seeds, a random sequence of API
 * calls on a small set of handles (timers, idle, prepare, check, async, a
 * listening TCP server, a TCP client, an accepted TCP stream, a pipe pair,
 * UDP) and requests (writes, connects, fs_stat), mixing proper use with
 * documented errors: closing twice, starting or writing after close,
 * uv_run and uv_loop_close from a callback, uv_loop_close while busy,
 * NULL and out-of-range arguments. gouv must answer every call with 0 or a
 * UV_E* code (an error wherever the call is misuse), run no callback of a
 * handle after its close began (write and connect callbacks excepted: they
 * report UV_ECANCELED), run every close callback exactly once, and let the
 * loop be closed at the end. A watchdog thread fails the test if one seed
 * takes more than 20 seconds (a hang). libuv asserts or crashes on much
 * of this, so the test builds only against gouv. */
#include <uv.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

enum kind { K_TIMER, K_IDLE, K_PREPARE, K_CHECK, K_ASYNC, K_SERVER, K_CLIENT, K_ACCEPTED, K_PIPE_A, K_PIPE_B, K_UDP, K_COUNT };
enum state { FREE, OPEN, CLOSING };

#define NSLOTS 12

struct slot {
  union {
    uv_handle_t h;
    uv_timer_t timer;
    uv_idle_t idle;
    uv_prepare_t prepare;
    uv_check_t check;
    uv_async_t async;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_udp_t udp;
    uv_stream_t stream;
  } u;
  enum kind kind;
  enum state state;
  int closes;     /* uv_close calls that began a close */
  int close_cbs;  /* close callbacks seen */
  int reading;
};

static uv_loop_t loop;
static struct slot slots[NSLOTS];
static uint64_t rng;
static int pipe_fds[2] = {-1, -1};
static struct sockaddr_in server_addr;
static int server_bound;
static int pending_reqs;  /* writes, connects, fs requests not yet called back */
static atomic_int progress;
static atomic_int current_seed;
static atomic_int done;
static char wbuf[4096];
static char rbuf[65536];
static int total_closes;

static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? (unsigned)(rng % n) : 0;
}

/* Every answer is 0 or one of libuv's error codes. */
#define CHECK_CODE(r)                                       \
  do {                                                      \
    int r_ = (r);                                           \
    if (!(r_ == 0 || (r_ < 0 && r_ > -4096))) {             \
      fprintf(stderr, "seed %d: %s returned %d\n",          \
              atomic_load(&current_seed), #r, r_);          \
      abort();                                              \
    }                                                       \
  } while (0)

/* Misuse must be refused. */
#define CHECK_ERR(r)                                                     \
  do {                                                                   \
    int r_ = (r);                                                        \
    if (!(r_ < 0 && r_ > -4096)) {                                       \
      fprintf(stderr, "seed %d: line %d: misuse %s returned %d, want an error\n", \
              atomic_load(&current_seed), __LINE__, #r, r_);             \
      abort();                                                           \
    }                                                                    \
  } while (0)

static struct slot* slot_of(void* h) {
  struct slot* s = (struct slot*)h; /* the handle is the slot's first member */
  CHECK(s >= slots && s < slots + NSLOTS);
  return s;
}

/* A callback of a handle that is not closing. */
static void live_cb(void* h) {
  struct slot* s = slot_of(h);
  if (s->state != OPEN) {
    fprintf(stderr, "seed %d: callback of slot %d (kind %d) in state %d\n",
            atomic_load(&current_seed), (int)(s - slots), s->kind, s->state);
    abort();
  }
  atomic_fetch_add(&progress, 1);
}

static void misuse_inside(void);

static void on_close(uv_handle_t* h) {
  struct slot* s = slot_of(h);
  CHECK_EQ(s->state, CLOSING);
  s->close_cbs++;
  total_closes++;
  CHECK_EQ(s->close_cbs, s->closes);
  if (s->kind == K_PIPE_A || s->kind == K_PIPE_B) {
    /* uv_close closed the descriptor uv_pipe_open took. */
    pipe_fds[s->kind == K_PIPE_B] = -1;
  }
  s->state = FREE;
  s->reading = 0;
}

static void on_timer(uv_timer_t* t) { live_cb(t); misuse_inside(); }
static void on_idle(uv_idle_t* t) { live_cb(t); if (rnd(4) == 0) uv_idle_stop(t); }
static void on_prepare(uv_prepare_t* t) { live_cb(t); misuse_inside(); }
static void on_check(uv_check_t* t) { live_cb(t); }
static void on_async(uv_async_t* t) { live_cb(t); misuse_inside(); }

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  live_cb(h);
  *buf = uv_buf_init(rbuf, rnd(3) == 0 ? 0 : sizeof rbuf);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  live_cb(s);
  CHECK(n >= 0 || (n < 0 && n > -4096));
  if (rnd(8) == 0)
    misuse_inside();
}

static void on_recv(uv_udp_t* u, ssize_t n, const uv_buf_t* buf, const struct sockaddr* a, unsigned flags) {
  (void)buf; (void)a; (void)flags;
  live_cb(u);
  CHECK(n >= 0 || (n < 0 && n > -4096));
}

static void on_write(uv_write_t* req, int status) {
  struct slot* s = slot_of(req->handle);
  /* A write may finish while its stream closes (UV_ECANCELED), never
   * after the close callback. */
  CHECK(s->state != FREE);
  CHECK(status == 0 || (status < 0 && status > -4096));
  pending_reqs--;
  free(req);
}

static void on_connect(uv_connect_t* req, int status) {
  struct slot* s = slot_of(req->handle);
  CHECK(s->state != FREE);
  CHECK(status == 0 || (status < 0 && status > -4096));
  pending_reqs--;
  free(req);
}

static void on_udp_send(uv_udp_send_t* req, int status) {
  struct slot* s = slot_of(req->handle);
  CHECK(s->state != FREE);
  CHECK(status == 0 || (status < 0 && status > -4096));
  pending_reqs--;
  free(req);
}

static void on_fs(uv_fs_t* req) {
  CHECK(req->result == 0 || (req->result < 0 && req->result > -4096));
  uv_fs_req_cleanup(req);
  pending_reqs--;
  free(req);
}

static void on_connection(uv_stream_t* server, int status) {
  struct slot* acc = &slots[K_ACCEPTED];
  live_cb(server);
  CHECK_CODE(status);
  if (status == 0 && acc->state == FREE) {
    CHECK_EQ(uv_tcp_init(&loop, &acc->u.tcp), 0);
    acc->state = OPEN;
    CHECK_EQ(uv_accept(server, &acc->u.stream), 0);
  } else if (status == 0 && rnd(2) == 0) {
    /* Accepting into a handle that is in use: an error, no crash. */
    struct slot* other = &slots[K_TIMER];
    if (other->state == OPEN)
      CHECK_ERR(uv_accept(server, &other->u.stream));
  }
}

/* What every callback may try: re-entering the loop and closing it while
 * it runs are errors. */
static void misuse_inside(void) {
  switch (rnd(6)) {
  case 0:
    CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), UV_EINVAL);
    break;
  case 1:
    CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
    break;
  case 2:
    CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), UV_EINVAL);
    break;
  default:
    break;
  }
}

static void init_slot(struct slot* s) {
  int r = 0;
  switch (s->kind) {
  case K_TIMER: case K_COUNT: r = uv_timer_init(&loop, &s->u.timer); break;
  case K_IDLE: r = uv_idle_init(&loop, &s->u.idle); break;
  case K_PREPARE: r = uv_prepare_init(&loop, &s->u.prepare); break;
  case K_CHECK: r = uv_check_init(&loop, &s->u.check); break;
  case K_ASYNC: r = uv_async_init(&loop, &s->u.async, rnd(4) ? on_async : NULL); break;
  case K_SERVER:
    CHECK_EQ(uv_tcp_init(&loop, &s->u.tcp), 0);
    s->state = OPEN;
    CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &server_addr), 0);
    CHECK_EQ(uv_tcp_bind(&s->u.tcp, (struct sockaddr*)&server_addr, 0), 0);
    {
      int n = sizeof server_addr;
      CHECK_EQ(uv_tcp_getsockname(&s->u.tcp, (struct sockaddr*)&server_addr, &n), 0);
    }
    server_bound = 1;
    CHECK_EQ(uv_listen(&s->u.stream, 8, on_connection), 0);
    return;
  case K_CLIENT: r = uv_tcp_init(&loop, &s->u.tcp); break;
  case K_ACCEPTED: return; /* initialised by on_connection */
  case K_PIPE_A: case K_PIPE_B: {
    int i = s->kind == K_PIPE_B;
    if (pipe_fds[0] < 0 && pipe_fds[1] < 0)
      CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pipe_fds), 0);
    if (pipe_fds[i] < 0)
      return; /* its end was closed: wait for the other to close too */
    CHECK_EQ(uv_pipe_init(&loop, &s->u.pipe, 0), 0);
    s->state = OPEN;
    CHECK_EQ(uv_pipe_open(&s->u.pipe, pipe_fds[i]), 0);
    return;
  }
  case K_UDP:
    CHECK_EQ(uv_udp_init(&loop, &s->u.udp), 0);
    s->state = OPEN;
    {
      struct sockaddr_in a;
      CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &a), 0);
      CHECK_EQ(uv_udp_bind(&s->u.udp, (struct sockaddr*)&a, 0), 0);
    }
    return;
  }
  CHECK_EQ(r, 0);
  s->state = OPEN;
}

static int is_stream(struct slot* s) {
  return s->kind == K_CLIENT || s->kind == K_ACCEPTED || s->kind == K_PIPE_A || s->kind == K_PIPE_B;
}

static void do_start(struct slot* s) {
  int closing = s->state != OPEN;
  switch (s->kind) {
  case K_TIMER: case K_COUNT: {
    int r = uv_timer_start(&s->u.timer, rnd(5) ? on_timer : NULL, rnd(3), rnd(3));
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  case K_IDLE: {
    int r = uv_idle_start(&s->u.idle, rnd(5) ? on_idle : NULL);
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  case K_PREPARE: {
    int r = uv_prepare_start(&s->u.prepare, rnd(5) ? on_prepare : NULL);
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  case K_CHECK: {
    int r = uv_check_start(&s->u.check, rnd(5) ? on_check : NULL);
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  case K_ASYNC:
    /* libuv answers 0 to a send on a closing handle too: its callback
     * just never runs, which live_cb checks. */
    if (closing) CHECK_CODE(uv_async_send(&s->u.async)); else CHECK_EQ(uv_async_send(&s->u.async), 0);
    break;
  case K_SERVER:
    CHECK_CODE(uv_listen(&s->u.stream, 8, on_connection));
    break;
  case K_CLIENT:
    if (server_bound && rnd(2) == 0) {
      uv_connect_t* req = malloc(sizeof *req);
      int r = uv_tcp_connect(req, &s->u.tcp, (struct sockaddr*)&server_addr, on_connect);
      if (closing) CHECK_ERR(r); else CHECK_CODE(r);
      if (r == 0) pending_reqs++; else free(req);
      break;
    }
    /* fall through: read */
  case K_ACCEPTED: case K_PIPE_A: case K_PIPE_B: {
    int r = uv_read_start(&s->u.stream, rnd(6) ? on_alloc : NULL, rnd(6) ? on_read : NULL);
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  case K_UDP: {
    int r = uv_udp_recv_start(&s->u.udp, rnd(6) ? on_alloc : NULL, rnd(6) ? on_recv : NULL);
    if (closing) CHECK_ERR(r); else CHECK_CODE(r);
    break;
  }
  }
}

static void do_stop(struct slot* s) {
  switch (s->kind) {
  case K_TIMER: case K_COUNT: CHECK_CODE(uv_timer_stop(&s->u.timer)); break;
  case K_IDLE: CHECK_CODE(uv_idle_stop(&s->u.idle)); break;
  case K_PREPARE: CHECK_CODE(uv_prepare_stop(&s->u.prepare)); break;
  case K_CHECK: CHECK_CODE(uv_check_stop(&s->u.check)); break;
  case K_UDP: CHECK_CODE(uv_udp_recv_stop(&s->u.udp)); break;
  case K_ASYNC: case K_SERVER: break;
  default: CHECK_CODE(uv_read_stop(&s->u.stream)); break;
  }
}

static void do_write(struct slot* s) {
  uv_buf_t bufs[6];
  unsigned n = rnd(7), i;
  for (i = 0; i < n && i < 6; i++)
    bufs[i] = uv_buf_init(wbuf, rnd(3) == 0 ? 0 : rnd(sizeof wbuf));
  if (s->kind == K_UDP) {
    uv_udp_send_t* req = malloc(sizeof *req);
    int r = uv_udp_send(req, &s->u.udp, bufs, n > 6 ? 6 : n,
                        rnd(4) ? (struct sockaddr*)&server_addr : NULL, on_udp_send);
    if (s->state != OPEN) CHECK_ERR(r); else CHECK_CODE(r);
    if (r == 0) pending_reqs++; else free(req);
    return;
  }
  if (!is_stream(s))
    return;
  if (rnd(3) == 0) {
    int r = uv_try_write(&s->u.stream, bufs, n > 6 ? 6 : n);
    CHECK(r >= 0 || (r < 0 && r > -4096));
    if (s->state != OPEN) CHECK(r < 0);
    return;
  }
  {
    uv_write_t* req = malloc(sizeof *req);
    int r = uv_write(req, &s->u.stream, bufs, n > 6 ? 6 : n, on_write);
    if (s->state != OPEN) CHECK_ERR(r); else CHECK_CODE(r);
    if (r == 0) pending_reqs++; else free(req);
  }
}

static void do_close(struct slot* s) {
  if (s->state == OPEN) {
    s->state = CLOSING;
    s->closes++;
    if (s->kind == K_SERVER)
      server_bound = 0;
    uv_close(&s->u.h, on_close);
  } else if (s->state == CLOSING) {
    uv_close(&s->u.h, on_close); /* closing twice: ignored */
  }
}

static int any_in_use(void) {
  int i;
  for (i = 0; i < NSLOTS; i++)
    if (slots[i].state != FREE)
      return 1;
  return pending_reqs > 0;
}

/* Calls with NULL or out-of-range arguments, on handles in any state. */
static void do_bad_args(void) {
  struct sockaddr_in a;
  uv_buf_t b = uv_buf_init(wbuf, 1);
  switch (rnd(12)) {
  case 0: CHECK_EQ(uv_timer_start(NULL, on_timer, 1, 0), UV_EINVAL); break;
  case 1: CHECK_EQ(uv_timer_init(&loop, NULL), UV_EINVAL); break;
  case 2: CHECK_ERR(uv_ip4_addr("not an address", 1, &a)); break;
  case 3: {
    struct sockaddr_in6 a6;
    CHECK_ERR(uv_ip6_addr("1::2::3", 1, &a6));
    break;
  }
  case 4: CHECK_EQ(uv_handle_size((uv_handle_type)(100 + rnd(100))), (size_t)-1); break;
  case 5: CHECK_EQ(uv_req_size((uv_req_type)(100 + rnd(100))), (size_t)-1); break;
  case 6: (void)uv_strerror(-(int)rnd(5000)); (void)uv_err_name(-(int)rnd(200)); break;
  case 7:
    if (slots[K_CLIENT].state == OPEN) {
      /* An address of a family TCP cannot connect to. */
      uv_connect_t req;
      memset(&a, 0, sizeof a);
      a.sin_family = AF_UNIX;
      CHECK_ERR(uv_tcp_connect(&req, &slots[K_CLIENT].u.tcp, (struct sockaddr*)&a, on_connect));
    }
    break;
  case 8:
    if (slots[K_PIPE_A].state != FREE) {
      /* A write of no buffers is refused (libuv asserts). */
      uv_write_t req;
      CHECK_ERR(uv_write(&req, &slots[K_PIPE_A].u.stream, &b, 0, on_write));
    }
    break;
  case 9: {
    int r = uv_run(&loop, (uv_run_mode)(3 + rnd(100)));
    CHECK(r >= 0 || (r < 0 && r > -4096));
    break;
  }
  case 10:
    if (any_in_use())
      CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
    break;
  case 11: {
    uv_fs_t* req = malloc(sizeof *req);
    int r = uv_fs_stat(&loop, req, rnd(2) ? "/" : "/nonexistent/gouv", on_fs);
    CHECK_CODE(r);
    if (r == 0) pending_reqs++; else free(req);
    break;
  }
  }
}

static void run_seed(int seed) {
  int i, step, steps;
  atomic_store(&current_seed, seed);
  rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)seed * 0x100000001b3ULL;
  if (rng == 0)
    rng = 1;
  memset(slots, 0, sizeof slots);
  pending_reqs = 0;
  server_bound = 0;
  pipe_fds[0] = pipe_fds[1] = -1;
  for (i = 0; i < NSLOTS; i++)
    slots[i].kind = i < K_COUNT ? (enum kind)i : K_COUNT; /* the last slot: a second timer */
  CHECK_EQ(uv_loop_init(&loop), 0);
  init_slot(&slots[K_SERVER]);
  steps = 100 + rnd(300);
  for (step = 0; step < steps; step++) {
    struct slot* s = &slots[rnd(NSLOTS)];
    atomic_fetch_add(&progress, 1);
    switch (rnd(10)) {
    case 0:
      if (s->state == FREE) init_slot(s);
      break;
    case 1: case 2:
      if (s->state != FREE) do_start(s);
      break;
    case 3:
      if (s->state == OPEN) do_stop(s);
      break;
    case 4:
      do_close(s);
      break;
    case 5:
      if (s->state != FREE) do_write(s);
      break;
    case 6: case 7: {
      /* Never UV_RUN_ONCE or DEFAULT here: the listening server keeps
       * the loop alive, so they could wait for good. */
      int r = uv_run(&loop, UV_RUN_NOWAIT);
      CHECK(r >= 0);
      break;
    }
    case 8:
      do_bad_args();
      break;
    case 9:
      if (s->state != FREE) {
        if (rnd(2)) uv_unref(&s->u.h); else uv_ref(&s->u.h);
      }
      break;
    }
  }
  /* Close everything still open and check the loop ends and closes. A
   * handle made with uv_ref / uv_unref at random still closes. */
  for (i = 0; i < NSLOTS; i++)
    do_close(&slots[i]);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  for (i = 0; i < NSLOTS; i++) {
    CHECK_EQ(slots[i].state, FREE);
    CHECK_EQ(slots[i].close_cbs, slots[i].closes);
  }
  CHECK_EQ(pending_reqs, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  for (i = 0; i < 2; i++)
    if (pipe_fds[i] >= 0)
      close(pipe_fds[i]);
}

/* Fails the test if a seed stops making progress for 20 seconds. */
static void* watchdog(void* arg) {
  int last = -1, same = 0;
  (void)arg;
  while (!atomic_load(&done)) {
    int p = atomic_load(&progress);
    usleep(100 * 1000);
    if (p == last) {
      if (++same >= 200) {
        fprintf(stderr, "seed %d: no progress for 20 s (a hang)\n", atomic_load(&current_seed));
        _exit(1);
      }
    } else {
      same = 0;
    }
    last = p;
  }
  return NULL;
}

static void run_seeds(int from, int to) {
  pthread_t w;
  int seed;
  atomic_store(&done, 0);
  CHECK_EQ(pthread_create(&w, NULL, watchdog, NULL), 0);
  for (seed = from; seed < to; seed++)
    run_seed(seed);
  atomic_store(&done, 1);
  CHECK_EQ(pthread_join(w, NULL), 0);
  printf("seeds %d to %d: %d steps and callbacks, %d closes\n", from, to - 1,
         atomic_load(&progress), total_closes);
}

/* Found by the random runs: starting an idle, prepare or check handle
 * between uv_close and its close callback returned 0 and made it active
 * again. */
static void never_called_idle(uv_idle_t* h) { (void)h; abort(); }
static void never_called_check(uv_check_t* h) { (void)h; abort(); }
static void never_called_prepare(uv_prepare_t* h) { (void)h; abort(); }
static int watcher_closes;
static void count_watcher_close(uv_handle_t* h) { (void)h; watcher_closes++; }

TEST(starting_a_closing_watcher_is_einval) {
  uv_idle_t idle;
  uv_check_t check;
  uv_prepare_t prepare;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_idle_start(&idle, never_called_idle), 0);
  uv_close((uv_handle_t*)&idle, count_watcher_close);
  uv_close((uv_handle_t*)&check, count_watcher_close);
  uv_close((uv_handle_t*)&prepare, count_watcher_close);
  CHECK_EQ(uv_idle_start(&idle, never_called_idle), UV_EINVAL);
  CHECK_EQ(uv_check_start(&check, never_called_check), UV_EINVAL);
  CHECK_EQ(uv_prepare_start(&prepare, never_called_prepare), UV_EINVAL);
  CHECK(!uv_is_active((uv_handle_t*)&idle));
  CHECK(!uv_is_active((uv_handle_t*)&check));
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(watcher_closes, 3);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* Found by the random runs: an unknown run mode ran the loop without
 * blocking and without end (libuv 1.44 does the same). */
TEST(an_unknown_run_mode_is_einval) {
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, on_timer, 1000000, 0), 0);
  CHECK_EQ(uv_run(&loop, (uv_run_mode)3), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, (uv_run_mode)-1), UV_EINVAL);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(random_misuse_seeds_0_to_499) { run_seeds(0, 500); }
TEST(random_misuse_seeds_500_to_999) { run_seeds(500, 1000); }

HARNESS_MAIN
