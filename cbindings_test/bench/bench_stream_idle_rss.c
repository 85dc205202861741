/* bench_stream_idle_rss: memory of 10,000 idle TCP connections. A child
 * process (forked before any libuv call, using plain sockets) opens the
 * connections; the parent accepts each into a uv_tcp_t and starts reading.
 * The parent's RSS growth is reported on stderr, and as connections per
 * MiB of growth on stdout (higher is better). */
#include "bench_stream_common.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define NCONN 10000 /* the client ends live in the child process */

static uv_loop_t loop;
static uv_tcp_t server;
static uv_tcp_t* conns;
static int accepted;
static int port_pipe[2];
static char buf[64];

static long rss_kib(void) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
      break;
  if (f)
    fclose(f);
  return v;
}

static void ralloc(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(buf, sizeof buf); }
static void rd(uv_stream_t* s, ssize_t n, const uv_buf_t* b) { (void)s; (void)n; (void)b; }

static void on_connection(uv_stream_t* s, int status) {
  BENCH_UV(status);
  BENCH_UV(uv_tcp_init(&loop, &conns[accepted]));
  BENCH_UV(uv_accept(s, (uv_stream_t*)&conns[accepted]));
  BENCH_UV(uv_read_start((uv_stream_t*)&conns[accepted], ralloc, rd));
  if (++accepted == NCONN)
    uv_stop(&loop);
}

static void child(void) {
  int port, i;
  struct sockaddr_in a;
  if (read(port_pipe[0], &port, sizeof port) != sizeof port)
    _exit(1);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (i = 0; i < NCONN; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr*)&a, sizeof a) != 0)
      _exit(1);
  }
  pause();
  _exit(0);
}

int main(void) {
  pid_t pid;
  long before, after;
  struct sockaddr_in a;
  struct sockaddr_storage ss;
  int len = sizeof ss, port;
  BENCH_REQUIRE(pipe(port_pipe) == 0);
  pid = fork();
  BENCH_REQUIRE(pid >= 0);
  if (pid == 0)
    child();
  conns = calloc(NCONN, sizeof *conns);
  BENCH_UV(uv_loop_init(&loop));
  BENCH_UV(uv_ip4_addr("127.0.0.1", 0, &a));
  BENCH_UV(uv_tcp_init(&loop, &server));
  BENCH_UV(uv_tcp_bind(&server, (struct sockaddr*)&a, 0));
  BENCH_UV(uv_listen((uv_stream_t*)&server, 4096, on_connection));
  BENCH_UV(uv_tcp_getsockname(&server, (struct sockaddr*)&ss, &len));
  port = ntohs(((struct sockaddr_in*)&ss)->sin_port);
  /* Let the loop settle (first iterations allocate its buffers). */
  BENCH_UV(uv_run(&loop, UV_RUN_NOWAIT));
  before = rss_kib();
  BENCH_REQUIRE(write(port_pipe[1], &port, sizeof port) == sizeof port);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  after = rss_kib();
  /* The handles themselves are the host's memory (calloc'd up front). */
  fprintf(stderr, "idle_rss: %d connections, RSS %ld KiB -> %ld KiB (+%ld KiB, %.0f bytes/conn)\n",
          accepted, before, after, after - before, (after - before) * 1024.0 / accepted);
  printf("RESULT tcp_idle_conns_per_mib %.1f conns/MiB\n",
         accepted / ((after - before + 1) / 1024.0));
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  bench_loop_teardown(&loop);
  return 0;
}
