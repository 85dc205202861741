/* A bounded soak: many timers, many TCP connections on loopback, many
 * spawns, each run twice. After the first round (which warms up the Go
 * heap, the thread pool and the library's caches) the second must leave
 * the process with the same open descriptors and with little more
 * resident memory: what a round leaks, it would leak again and again.
 * Gouv-only for its time budget under the sanitizers and its thresholds,
 * which are about gouv's memory. */
#include <uv.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int count_fds(void) {
  DIR* d = opendir("/proc/self/fd");
  struct dirent* e;
  int n = 0;
  CHECK(d != NULL);
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n - 1; /* the directory's own descriptor */
}

static long rss_kb(void) {
  long pages = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  CHECK(f != NULL);
  CHECK_EQ(fscanf(f, "%ld %ld", &pages, &resident), 2);
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Runs round twice; the second round may add at most slack_kb of RSS and
 * no descriptor. */
static void soak(const char* name, void (*round)(void), long slack_kb) {
  int fds0, fds1, fds2;
  long rss1, rss2;
  fds0 = count_fds();
  round();
  fds1 = count_fds();
  rss1 = rss_kb();
  round();
  fds2 = count_fds();
  rss2 = rss_kb();
  printf("%s: descriptors %d, %d, %d; RSS after each round %ld kB, %ld kB\n", name, fds0, fds1,
         fds2, rss1, rss2);
  /* The first round may open the library's lasting descriptors (the
   * pool's wakeup, /dev/null for ignored stdio); the second none. */
  CHECK_EQ(fds2, fds1);
#ifdef __SANITIZE_ADDRESS__
  /* ASan keeps freed blocks in quarantine, so RSS says nothing here;
   * LeakSanitizer checks the same thing at exit instead. */
  (void)slack_kb;
#else
  CHECK(rss2 - rss1 <= slack_kb);
#endif
}

/* ---- 20,000 timers ---- */

#define NTIMERS 20000
static uv_timer_t* timers;
static int timers_fired, timers_closed;

static void on_timer_close(uv_handle_t* h) { (void)h; timers_closed++; }
static void on_timer(uv_timer_t* t) {
  timers_fired++;
  uv_close((uv_handle_t*)t, on_timer_close);
}

static void timers_round(void) {
  uv_loop_t loop;
  int i;
  timers = calloc(NTIMERS, sizeof *timers);
  CHECK(timers != NULL);
  timers_fired = timers_closed = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < NTIMERS; i++) {
    CHECK_EQ(uv_timer_init(&loop, &timers[i]), 0);
    CHECK_EQ(uv_timer_start(&timers[i], on_timer, (uint64_t)(i % 50), 0), 0);
  }
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timers_fired, NTIMERS);
  CHECK_EQ(timers_closed, NTIMERS);
  CHECK_EQ(uv_loop_close(&loop), 0);
  free(timers);
}

TEST(soak_20000_timers) { soak("timers", timers_round, 8 * 1024); }

/* ---- 2,000 TCP connections ---- */

#define NCONNS 2000
#define CONCURRENT 20

struct conn {
  uv_tcp_t tcp;
  uv_connect_t req;
  uv_write_t w;
  char buf[8];
  size_t got;
};

static uv_loop_t tloop;
static uv_tcp_t server;
static struct sockaddr_in server_addr;
static int started, finished, server_closed_conns;

/* Once every connection is closed on both sides, the server goes. */
static void maybe_done(void) {
  if (finished == NCONNS && server_closed_conns == NCONNS)
    uv_close((uv_handle_t*)&server, NULL);
}
static void free_close(uv_handle_t* h) {
  free(h);
  server_closed_conns++;
  maybe_done();
}
static void conn_close(uv_handle_t* h) {
  (void)h;
  finished++;
  maybe_done();
}

static void start_client(void);

static void on_alloc(uv_handle_t* h, size_t s, uv_buf_t* b) {
  (void)s;
  if (h->data == NULL) {
    static char sbuf[64];
    *b = uv_buf_init(sbuf, sizeof sbuf);
  } else {
    struct conn* c = h->data;
    *b = uv_buf_init(c->buf + c->got, (unsigned)(sizeof c->buf - c->got));
  }
}

/* The server's side: echo, close at EOF. */
static void on_server_write(uv_write_t* w, int status) {
  CHECK_EQ(status, 0);
  free(w);
}
static void on_server_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  if (n > 0) {
    uv_write_t* w = malloc(sizeof *w + (size_t)n);
    uv_buf_t out;
    memcpy((char*)(w + 1), b->base, (size_t)n);
    out = uv_buf_init((char*)(w + 1), (unsigned)n);
    CHECK_EQ(uv_write(w, s, &out, 1, on_server_write), 0);
  } else if (n < 0) {
    uv_close((uv_handle_t*)s, free_close);
  }
}
static void on_connection(uv_stream_t* s, int status) {
  uv_tcp_t* t = malloc(sizeof *t);
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_tcp_init(s->loop, t), 0);
  t->data = NULL;
  CHECK_EQ(uv_accept(s, (uv_stream_t*)t), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)t, on_alloc, on_server_read), 0);
}

/* The client's side: connect, send "ping", read it back, close. */
static void on_client_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  struct conn* c = s->data;
  (void)b;
  CHECK(n >= 0);
  c->got += (size_t)n;
  if (c->got == 4) {
    CHECK(memcmp(c->buf, "ping", 4) == 0);
    uv_close((uv_handle_t*)s, conn_close);
    start_client();
  }
}
static void on_client_write(uv_write_t* w, int status) {
  (void)w;
  CHECK_EQ(status, 0);
}
static void on_connect(uv_connect_t* req, int status) {
  struct conn* c = req->handle->data;
  uv_buf_t b = uv_buf_init((char*)"ping", 4);
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_write(&c->w, req->handle, &b, 1, on_client_write), 0);
  CHECK_EQ(uv_read_start(req->handle, on_alloc, on_client_read), 0);
}

static struct conn* conns;

static void start_client(void) {
  struct conn* c;
  if (started == NCONNS)
    return;
  c = &conns[started++];
  memset(c, 0, sizeof *c);
  CHECK_EQ(uv_tcp_init(&tloop, &c->tcp), 0);
  c->tcp.data = c;
  CHECK_EQ(uv_tcp_connect(&c->req, &c->tcp, (struct sockaddr*)&server_addr, on_connect), 0);
}

static void tcp_round(void) {
  int n = sizeof server_addr, i;
  conns = calloc(NCONNS, sizeof *conns);
  started = finished = server_closed_conns = 0;
  CHECK_EQ(uv_loop_init(&tloop), 0);
  CHECK_EQ(uv_tcp_init(&tloop, &server), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &server_addr), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&server_addr, 0), 0);
  CHECK_EQ(uv_tcp_getsockname(&server, (struct sockaddr*)&server_addr, &n), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 128, on_connection), 0);
  for (i = 0; i < CONCURRENT; i++)
    start_client();
  CHECK_EQ(uv_run(&tloop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(finished, NCONNS);
  CHECK_EQ(server_closed_conns, NCONNS);
  CHECK_EQ(uv_loop_close(&tloop), 0);
  free(conns);
}

TEST(soak_2000_tcp_connections) { soak("tcp", tcp_round, 8 * 1024); }

/* ---- 500 spawns ---- */

#define NSPAWNS 500
#define SPAWN_CONCURRENT 10
static uv_loop_t sloop;
static uv_process_t procs[SPAWN_CONCURRENT];
static int spawned, exited;

static void spawn_one(int slot);
static void on_proc_close(uv_handle_t* h) {
  spawn_one((int)((uv_process_t*)h - procs));
}
static void on_exit_cb(uv_process_t* p, int64_t status, int sig) {
  CHECK_EQ(status, 0);
  CHECK_EQ(sig, 0);
  exited++;
  uv_close((uv_handle_t*)p, on_proc_close);
}
static void spawn_one(int slot) {
  char* args[] = {"/bin/true", NULL};
  uv_process_options_t o;
  if (spawned == NSPAWNS)
    return;
  spawned++;
  memset(&o, 0, sizeof o);
  o.file = args[0];
  o.args = args;
  o.exit_cb = on_exit_cb;
  CHECK_EQ(uv_spawn(&sloop, &procs[slot], &o), 0);
}

static void spawn_round(void) {
  int i;
  spawned = exited = 0;
  CHECK_EQ(uv_loop_init(&sloop), 0);
  for (i = 0; i < SPAWN_CONCURRENT; i++)
    spawn_one(i);
  CHECK_EQ(uv_run(&sloop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exited, NSPAWNS);
  CHECK_EQ(uv_loop_close(&sloop), 0);
}

TEST(soak_500_spawns) { soak("spawn", spawn_round, 8 * 1024); }

HARNESS_MAIN
