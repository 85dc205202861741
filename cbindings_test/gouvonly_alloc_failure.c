/* Allocation failure: uv_replace_allocator installs an allocator whose
 * Nth call fails, and each scenario (a loop made with uv_loop_new and
 * timers; a TCP echo on loopback with a write of more buffers than the
 * request holds inline; fs requests whose results the library allocates;
 * spawning /bin/true; getaddrinfo of "localhost"; the OS queries that
 * return allocated arrays) runs once for every N up to the number of
 * allocations it makes without failures. Every call must succeed or
 * answer UV_ENOMEM (UV_EAI_MEMORY for getaddrinfo), nothing may crash, and
 * the loop must close at the end. Only the allocations gouv makes through
 * the replaced allocator can fail this way: the Go runtime's own heap is
 * not behind it (docs/design.md, "Allocation failure").
 *
 * Gouv-only: which of libuv's allocations a given N hits differs between
 * the libraries, and libuv 1.44 aborts on some of them. */
#include <uv.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static atomic_long calls;   /* allocations made so far */
static atomic_long fail_at; /* the call that fails; 0: none */
static atomic_long failed;  /* failures handed out */

static int should_fail(void) {
  long n = atomic_fetch_add(&calls, 1) + 1;
  if (n == atomic_load(&fail_at)) {
    atomic_fetch_add(&failed, 1);
    return 1;
  }
  return 0;
}
static void* t_malloc(size_t n) { return should_fail() ? NULL : malloc(n); }
static void* t_realloc(void* p, size_t n) { return should_fail() ? NULL : realloc(p, n); }
static void* t_calloc(size_t c, size_t n) { return should_fail() ? NULL : calloc(c, n); }
static void t_free(void* p) { free(p); }

static void install(void) {
  static int done;
  if (!done) {
    CHECK_EQ(uv_replace_allocator(t_malloc, t_realloc, t_calloc, t_free), 0);
    done = 1;
  }
}

/* A call's answer: 0, or UV_ENOMEM once an allocation failed. Returns
 * whether the call succeeded. */
#define OK_OR_NOMEM(expr) ok_or_nomem((expr), #expr, __LINE__)
static int ok_or_nomem(long r, const char* what, int line) {
  if (r >= 0)
    return 1;
  if (r == UV_ENOMEM || r == UV_EAI_MEMORY) {
    CHECK(atomic_load(&failed) > 0);
    return 0;
  }
  fprintf(stderr, "line %d: %s = %ld (%s) with allocation %ld failing\n", line, what, r,
          uv_err_name((int)r), atomic_load(&fail_at));
  abort();
}

static void close_walk(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

/* Ends a scenario: whatever is left open is closed, and the loop closes. */
static void finish(uv_loop_t* loop) {
  uv_walk(loop, close_walk, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
}

/* ---- loop and timers ---- */

static int timer_fired;
static void on_timer(uv_timer_t* t) { timer_fired++; uv_close((uv_handle_t*)t, NULL); }

static void scenario_timers(void) {
  uv_loop_t* loop = uv_loop_new();
  uv_timer_t t[3];
  int i;
  if (loop == NULL) {
    CHECK(atomic_load(&failed) > 0);
    return;
  }
  timer_fired = 0;
  for (i = 0; i < 3; i++) {
    CHECK_EQ(uv_timer_init(loop, &t[i]), 0);
    OK_OR_NOMEM(uv_timer_start(&t[i], on_timer, (uint64_t)i, 0));
  }
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  finish(loop);
  uv_loop_delete(loop);
}

/* ---- TCP echo on loopback ---- */

static uv_tcp_t server, client, accepted;
static char echo_in[64];
static size_t echo_got;
static char rb[256];

static void on_alloc(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(rb, sizeof rb); }
static void on_echo_write(uv_write_t* w, int status) { (void)status; free(w); }

static void on_server_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  if (n > 0) {
    uv_write_t* w = malloc(sizeof *w);
    uv_buf_t out = uv_buf_init(b->base, (unsigned)n);
    /* rb is reused by the next read only after this write copied nothing:
     * uv_write keeps a pointer, so echo from a copy. */
    static char copy[256];
    memcpy(copy, b->base, (size_t)n);
    out.base = copy;
    if (!OK_OR_NOMEM(uv_write(w, s, &out, 1, on_echo_write))) {
      free(w);
      uv_walk(s->loop, close_walk, NULL);
    }
  } else if (n < 0) {
    uv_walk(s->loop, close_walk, NULL);
  }
}

static void on_client_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  if (n > 0) {
    if (echo_got + (size_t)n <= sizeof echo_in)
      memcpy(echo_in + echo_got, b->base, (size_t)n);
    echo_got += (size_t)n;
    if (echo_got >= 12)
      uv_walk(s->loop, close_walk, NULL);
  } else if (n < 0) {
    uv_walk(s->loop, close_walk, NULL);
  }
}

static void on_connection(uv_stream_t* s, int status) {
  if (status != 0)
    return;
  CHECK_EQ(uv_tcp_init(s->loop, &accepted), 0);
  if (!OK_OR_NOMEM(uv_accept(s, (uv_stream_t*)&accepted)) ||
      !OK_OR_NOMEM(uv_read_start((uv_stream_t*)&accepted, on_alloc, on_server_read)))
    uv_walk(s->loop, close_walk, NULL);
}

static void on_client_write(uv_write_t* w, int status) { (void)status; free(w); }

static void on_connect(uv_connect_t* c, int status) {
  static const char* parts[6] = {"he", "ll", "o ", "wo", "rl", "d!"};
  uv_buf_t bufs[6];
  uv_write_t* w;
  int i;
  if (status != 0) {
    uv_walk(c->handle->loop, close_walk, NULL);
    return;
  }
  /* Six buffers: more than the request holds, so the copy of the array
   * is allocated. */
  for (i = 0; i < 6; i++)
    bufs[i] = uv_buf_init((char*)parts[i], 2);
  w = malloc(sizeof *w);
  if (!OK_OR_NOMEM(uv_write(w, c->handle, bufs, 6, on_client_write))) {
    free(w);
    uv_walk(c->handle->loop, close_walk, NULL);
    return;
  }
  if (!OK_OR_NOMEM(uv_read_start(c->handle, on_alloc, on_client_read)))
    uv_walk(c->handle->loop, close_walk, NULL);
}

static void scenario_tcp_echo(void) {
  uv_loop_t loop;
  uv_connect_t req;
  struct sockaddr_in a;
  int n = sizeof a;
  echo_got = 0;
  memset(&accepted, 0, sizeof accepted);
  if (!OK_OR_NOMEM(uv_loop_init(&loop)))
    return;
  CHECK_EQ(uv_tcp_init(&loop, &server), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &a), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_tcp_getsockname(&server, (struct sockaddr*)&a, &n), 0);
  if (OK_OR_NOMEM(uv_listen((uv_stream_t*)&server, 8, on_connection))) {
    CHECK_EQ(uv_tcp_init(&loop, &client), 0);
    if (!OK_OR_NOMEM(uv_tcp_connect(&req, &client, (struct sockaddr*)&a, on_connect)))
      uv_walk(&loop, close_walk, NULL);
  } else {
    uv_walk(&loop, close_walk, NULL);
  }
  /* Any failure ends the exchange by closing everything. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (atomic_load(&failed) == 0)
    CHECK(echo_got == 12 && memcmp(echo_in, "hello world!", 12) == 0);
  finish(&loop);
}

/* ---- fs requests ---- */

static void on_fs_done(uv_fs_t* req) {
  OK_OR_NOMEM(req->result);
  uv_fs_req_cleanup(req);
}

static void scenario_fs(void) {
  uv_loop_t loop;
  uv_fs_t req;
  uv_dirent_t ent;
  char tpl[64];
  char path[128];
  uv_file fd;
  uv_buf_t b;
  if (!OK_OR_NOMEM(uv_loop_init(&loop)))
    return;
  snprintf(tpl, sizeof tpl, "/tmp/gouv-alloc-XXXXXX");
  if (!OK_OR_NOMEM(uv_fs_mkdtemp(&loop, &req, tpl, NULL)) || !OK_OR_NOMEM(req.result)) {
    uv_fs_req_cleanup(&req);
    finish(&loop);
    return;
  }
  snprintf(tpl, sizeof tpl, "%s", req.path);
  uv_fs_req_cleanup(&req);
  snprintf(path, sizeof path, "%s/f", tpl);
  fd = (uv_file)uv_fs_open(&loop, &req, path, UV_FS_O_CREAT | UV_FS_O_RDWR, 0600, NULL);
  uv_fs_req_cleanup(&req);
  if (OK_OR_NOMEM(fd)) {
    b = uv_buf_init((char*)"data", 4);
    OK_OR_NOMEM(uv_fs_write(&loop, &req, fd, &b, 1, 0, NULL));
    uv_fs_req_cleanup(&req);
    CHECK_EQ(uv_fs_close(&loop, &req, fd, NULL), 0);
    uv_fs_req_cleanup(&req);
  }
  if (OK_OR_NOMEM(uv_fs_scandir(&loop, &req, tpl, 0, NULL)))
    while (uv_fs_scandir_next(&req, &ent) == 0) {
    }
  uv_fs_req_cleanup(&req);
  if (OK_OR_NOMEM(uv_fs_realpath(&loop, &req, tpl, NULL)))
    CHECK(req.ptr != NULL);
  uv_fs_req_cleanup(&req);
  OK_OR_NOMEM(uv_fs_readlink(&loop, &req, "/proc/self/exe", NULL));
  uv_fs_req_cleanup(&req);
  OK_OR_NOMEM(uv_fs_statfs(&loop, &req, tpl, NULL));
  uv_fs_req_cleanup(&req);
  if (OK_OR_NOMEM(uv_fs_opendir(&loop, &req, tpl, NULL))) {
    uv_dir_t* dir = req.ptr;
    uv_fs_req_cleanup(&req);
    dir->dirents = &ent;
    dir->nentries = 1;
    OK_OR_NOMEM(uv_fs_readdir(&loop, &req, dir, NULL));
    uv_fs_req_cleanup(&req);
    CHECK_EQ(uv_fs_closedir(&loop, &req, dir, NULL), 0);
  }
  uv_fs_req_cleanup(&req);
  /* The same through the loop: the result comes back in the callback. */
  if (OK_OR_NOMEM(uv_fs_realpath(&loop, &req, tpl, on_fs_done)))
    CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  unlink(path);
  rmdir(tpl);
  finish(&loop);
}

/* ---- spawn ---- */

static int exited;
static void on_exit_cb(uv_process_t* p, int64_t status, int sig) {
  CHECK_EQ(status, 0);
  CHECK_EQ(sig, 0);
  exited++;
  uv_close((uv_handle_t*)p, NULL);
}

static void scenario_spawn(void) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"/bin/true", "x", NULL};
  char* env[] = {"A=1", "PATH=/bin:/usr/bin", NULL};
  uv_stdio_container_t stdio[3];
  memset(&o, 0, sizeof o);
  memset(stdio, 0, sizeof stdio);
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_IGNORE;
  o.file = "/bin/true";
  o.args = args;
  o.env = env;
  o.cwd = "/";
  o.stdio = stdio;
  o.stdio_count = 3;
  o.exit_cb = on_exit_cb;
  exited = 0;
  if (!OK_OR_NOMEM(uv_loop_init(&loop)))
    return;
  if (OK_OR_NOMEM(uv_spawn(&loop, &p, &o))) {
    CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
    CHECK_EQ(exited, 1);
  }
  finish(&loop);
}

/* ---- getaddrinfo ---- */

static int resolved;
static void on_resolved(uv_getaddrinfo_t* r, int status, struct addrinfo* res) {
  (void)r;
  OK_OR_NOMEM(status);
  resolved++;
  uv_freeaddrinfo(res);
}

static void scenario_getaddrinfo(void) {
  uv_loop_t loop;
  uv_getaddrinfo_t r1, r2;
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  resolved = 0;
  if (!OK_OR_NOMEM(uv_loop_init(&loop)))
    return;
  if (OK_OR_NOMEM(uv_getaddrinfo(&loop, &r1, on_resolved, "localhost", "80", &hints)))
    CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (OK_OR_NOMEM(uv_getaddrinfo(&loop, &r2, NULL, "localhost", NULL, NULL)))
    res = r2.addrinfo;
  uv_freeaddrinfo(res);
  finish(&loop);
}

/* ---- OS queries that return allocated arrays ---- */

static void scenario_os(void) {
  uv_env_item_t* env;
  uv_cpu_info_t* cpus;
  uv_interface_address_t* ifs;
  int n;
  if (OK_OR_NOMEM(uv_os_environ(&env, &n)))
    uv_os_free_environ(env, n);
  if (OK_OR_NOMEM(uv_cpu_info(&cpus, &n)))
    uv_free_cpu_info(cpus, n);
  if (OK_OR_NOMEM(uv_interface_addresses(&ifs, &n)))
    uv_free_interface_addresses(ifs, n);
}

/* Runs fn with no failure to count its allocations, then once failing
 * each of them in turn. */
static void every_failure(const char* name, void (*fn)(void)) {
  long total, n;
  install();
  atomic_store(&fail_at, 0);
  atomic_store(&failed, 0);
  atomic_store(&calls, 0);
  fn();
  total = atomic_load(&calls);
  /* Allocations on pool threads may vary a little between runs; a few
   * more N than counted cost nothing. */
  for (n = 1; n <= total + 2; n++) {
    atomic_store(&failed, 0);
    atomic_store(&calls, 0);
    atomic_store(&fail_at, n);
    fn();
  }
  atomic_store(&fail_at, 0);
  printf("%s: %ld allocations, each failed once\n", name, total);
}

TEST(loop_and_timers_survive_every_allocation_failure) { every_failure("timers", scenario_timers); }
TEST(tcp_echo_survives_every_allocation_failure) { every_failure("tcp echo", scenario_tcp_echo); }
TEST(fs_requests_survive_every_allocation_failure) { every_failure("fs", scenario_fs); }
TEST(spawn_survives_every_allocation_failure) { every_failure("spawn", scenario_spawn); }
TEST(getaddrinfo_survives_every_allocation_failure) { every_failure("getaddrinfo", scenario_getaddrinfo); }
TEST(os_queries_survive_every_allocation_failure) { every_failure("os", scenario_os); }

HARNESS_MAIN
