/* Name resolution through libc on the thread pool (getaddrinfo and
 * getnameinfo, synchronous and queued, their errors and cancellation),
 * the network interface list and the host name. */
#include <arpa/inet.h>
#include <netdb.h>
#include <semaphore.h>
#include <unistd.h>
#include <uv.h>

#include "harness.h"

static int is_loopback(const struct sockaddr* sa) {
  if (sa->sa_family == AF_INET)
    return ((const struct sockaddr_in*)sa)->sin_addr.s_addr ==
           htonl(INADDR_LOOPBACK);
  if (sa->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6*)sa)->sin6_addr);
  return 0;
}

static int gai_calls, gai_status;
static struct addrinfo* gai_result;

static void gai_cb(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
  CHECK_EQ(req->type, UV_GETADDRINFO);
  CHECK(req->addrinfo == res);
  gai_calls++;
  gai_status = status;
  gai_result = res;
}

TEST(getaddrinfo_of_localhost_on_the_pool_gives_loopback_addresses) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  struct addrinfo* ai;
  int n = 0;

  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  CHECK_EQ(uv_loop_init(&loop), 0);
  gai_calls = 0;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, gai_cb, "localhost", NULL, &hints), 0);
  /* Queued, not answered yet; it keeps the loop alive as a request. */
  CHECK_EQ(gai_calls, 0);
  CHECK_EQ(loop.active_reqs.count, 1);
  CHECK(req.loop == &loop);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gai_calls, 1);
  CHECK_EQ(gai_status, 0);
  CHECK(gai_result != NULL);
  for (ai = gai_result; ai != NULL; ai = ai->ai_next) {
    CHECK(is_loopback(ai->ai_addr));
    CHECK_EQ(ai->ai_socktype, SOCK_STREAM);
    n++;
  }
  CHECK(n >= 1);
  uv_freeaddrinfo(gai_result);
  uv_freeaddrinfo(NULL);
  CHECK_EQ(loop.active_reqs.count, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(getaddrinfo_without_callback_answers_synchronously) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  struct sockaddr_in* sin;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "192.0.2.7", "4242", &hints), 0);
  CHECK_EQ(loop.active_reqs.count, 0);
  CHECK_EQ(req.retcode, 0);
  CHECK(req.addrinfo != NULL);
  CHECK(req.addrinfo->ai_next == NULL);
  CHECK_EQ(req.addrinfo->ai_family, AF_INET);
  CHECK_EQ(req.addrinfo->ai_socktype, SOCK_DGRAM);
  sin = (struct sockaddr_in*)req.addrinfo->ai_addr;
  CHECK_EQ(ntohs(sin->sin_port), 4242);
  CHECK_EQ(sin->sin_addr.s_addr, inet_addr("192.0.2.7"));
  uv_freeaddrinfo(req.addrinfo);

  /* Service only: the wildcard or loopback address with that port. */
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, NULL, "4242", &hints), 0);
  CHECK(req.addrinfo != NULL);
  CHECK_EQ(ntohs(((struct sockaddr_in*)req.addrinfo->ai_addr)->sin_port),
           4242);
  uv_freeaddrinfo(req.addrinfo);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(getaddrinfo_errors_are_uv_eai_codes) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;

  CHECK_EQ(uv_loop_init(&loop), 0);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  /* A name where only a number may be: no such host. */
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "no-such-host.invalid", NULL,
                          &hints),
           UV_EAI_NONAME);
  CHECK_EQ(req.retcode, UV_EAI_NONAME);
  CHECK(req.addrinfo == NULL);

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = 12345;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "localhost", NULL, &hints),
           UV_EAI_FAMILY);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = 0x7fff0000;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "localhost", NULL, &hints),
           UV_EAI_BADFLAGS);
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = 9999;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "localhost", NULL, &hints),
           UV_EAI_SOCKTYPE);
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "localhost",
                          "no-such-service-name", &hints),
           UV_EAI_SERVICE);

  /* Nothing to look up, or no request: refused before any work. */
  CHECK_EQ(uv_getaddrinfo(&loop, &req, gai_cb, NULL, NULL, NULL), UV_EINVAL);
  CHECK_EQ(uv_getaddrinfo(&loop, NULL, gai_cb, "localhost", NULL, NULL),
           UV_EINVAL);
  CHECK_EQ(loop.active_reqs.count, 0);

  /* The same failure through the pool reaches the callback. */
  gai_calls = 0;
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  CHECK_EQ(uv_getaddrinfo(&loop, &req, gai_cb, "not-a-number", NULL, &hints),
           0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gai_calls, 1);
  CHECK_EQ(gai_status, UV_EAI_NONAME);
  CHECK(gai_result == NULL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* libuv's getaddrinfo_fail_sync frees req.addrinfo after a failed
 * synchronous lookup, so a failure must leave it NULL even when the request
 * held garbage before the call. */
TEST(failed_sync_getaddrinfo_leaves_addrinfo_null_even_without_a_loop) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;

  CHECK_EQ(uv_loop_init(&loop), 0);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  memset(&req, 0xa5, sizeof(req));
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "not-a-number", NULL, &hints),
           UV_EAI_NONAME);
  CHECK(req.addrinfo == NULL);
  uv_freeaddrinfo(req.addrinfo);
  CHECK_EQ(loop.active_reqs.count, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);

  /* Newer libuv takes a NULL loop for a synchronous lookup (1.44 would
   * dereference it), and still wants one for a queued lookup: gouv and
   * libuv 1.53 (scripts/ref153.sh) take the NULL loop. */
  if (strstr(uv_version_string(), "gouv") != NULL || uv_version() >= 0x013500) {
    memset(&req, 0xa5, sizeof(req));
    CHECK_EQ(uv_getaddrinfo(NULL, &req, NULL, "not-a-number", NULL, &hints),
             UV_EAI_NONAME);
    CHECK(req.addrinfo == NULL);
    uv_freeaddrinfo(req.addrinfo);
    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_NUMERICHOST;
    CHECK_EQ(uv_getaddrinfo(NULL, &req, NULL, "127.0.0.1", NULL, &hints), 0);
    CHECK(req.addrinfo != NULL);
    CHECK_EQ(req.addrinfo->ai_family, AF_INET);
    uv_freeaddrinfo(req.addrinfo);
    CHECK_EQ(uv_getaddrinfo(NULL, &req, gai_cb, "127.0.0.1", NULL, &hints),
             UV_EINVAL);
    /* gouv clears the result; libuv 1.53 returns before it touches the
     * request, so the freed pointer of the lookup above stays. */
    if (strstr(uv_version_string(), "gouv") != NULL)
      CHECK(req.addrinfo == NULL);
  }
}

TEST(getaddrinfo_converts_names_with_idna_and_rejects_bad_utf8) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  char longname[300];

  CHECK_EQ(uv_loop_init(&loop), 0);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  /* Converted to xn--bcher-kva.invalid, which is then not a number. */
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "b\xc3\xbc" "cher.invalid", NULL,
                          &hints),
           UV_EAI_NONAME);
  /* Not UTF-8 at all. */
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, "\xff\xfe.invalid", NULL, &hints),
           UV_EINVAL);
  /* Longer than a host name can be. */
  memset(longname, 'a', sizeof(longname) - 1);
  longname[sizeof(longname) - 1] = '\0';
  CHECK_EQ(uv_getaddrinfo(&loop, &req, NULL, longname, NULL, &hints),
           UV_EINVAL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int gni_calls, gni_status;
static char gni_host[NI_MAXHOST], gni_service[NI_MAXSERV];

static void gni_cb(uv_getnameinfo_t* req, int status, const char* host,
                   const char* service) {
  CHECK_EQ(req->type, UV_GETNAMEINFO);
  gni_calls++;
  gni_status = status;
  if (status == 0) {
    CHECK(host == req->host);
    CHECK(service == req->service);
    snprintf(gni_host, sizeof(gni_host), "%s", host);
    snprintf(gni_service, sizeof(gni_service), "%s", service);
  } else {
    CHECK(host == NULL);
    CHECK(service == NULL);
  }
}

TEST(getnameinfo_of_127_0_0_1) {
  uv_loop_t loop;
  uv_getnameinfo_t req;
  struct sockaddr_in a;
  struct sockaddr_in6 a6;

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 80, &a), 0);
  gni_calls = 0;
  CHECK_EQ(uv_getnameinfo(&loop, &req, gni_cb, (struct sockaddr*)&a,
                          NI_NUMERICHOST | NI_NUMERICSERV),
           0);
  CHECK_EQ(loop.active_reqs.count, 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gni_calls, 1);
  CHECK_EQ(gni_status, 0);
  CHECK(strcmp(gni_host, "127.0.0.1") == 0);
  CHECK(strcmp(gni_service, "80") == 0);

  /* With names: whatever /etc/hosts says, some name comes back. */
  CHECK_EQ(uv_getnameinfo(&loop, &req, gni_cb, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gni_calls, 2);
  CHECK_EQ(gni_status, 0);
  CHECK(gni_host[0] != '\0');

  /* Synchronously, IPv6. */
  CHECK_EQ(uv_ip6_addr("::1", 443, &a6), 0);
  CHECK_EQ(uv_getnameinfo(&loop, &req, NULL, (struct sockaddr*)&a6,
                          NI_NUMERICHOST | NI_NUMERICSERV),
           0);
  CHECK(strcmp(req.host, "::1") == 0);
  CHECK(strcmp(req.service, "443") == 0);

  /* A name required but none known for a documentation address. */
  CHECK_EQ(uv_ip4_addr("192.0.2.1", 0, &a), 0);
  CHECK_EQ(uv_getnameinfo(&loop, &req, NULL, (struct sockaddr*)&a,
                          NI_NAMEREQD | NI_NUMERICSERV) < 0,
           1);

  /* Bad input. */
  a.sin_family = AF_UNIX;
  CHECK_EQ(uv_getnameinfo(&loop, &req, gni_cb, (struct sockaddr*)&a, 0),
           UV_EINVAL);
  CHECK_EQ(uv_getnameinfo(&loop, &req, gni_cb, NULL, 0), UV_EINVAL);
  CHECK_EQ(uv_getnameinfo(&loop, NULL, gni_cb, (struct sockaddr*)&a6, 0),
           UV_EINVAL);
  CHECK_EQ(loop.active_reqs.count, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(sixteen_lookups_in_flight_all_complete) {
  uv_loop_t loop;
  uv_getaddrinfo_t reqs[16];
  int i;

  CHECK_EQ(uv_loop_init(&loop), 0);
  gai_calls = 0;
  for (i = 0; i < 16; i++)
    CHECK_EQ(uv_getaddrinfo(&loop, &reqs[i], gai_cb, "localhost", "80", NULL),
             0);
  CHECK_EQ(loop.active_reqs.count, 16);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gai_calls, 16);
  for (i = 0; i < 16; i++) {
    CHECK_EQ(reqs[i].retcode, 0);
    uv_freeaddrinfo(reqs[i].addrinfo);
  }
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ------------------------------------------------------------------------
 * Cancellation: every pool thread is held by a work item, so the lookups
 * queued behind them have not started and uv_cancel wins. */

#define POOL_THREADS 4

static sem_t hold;
static int work_done;
static uv_work_t blockers[POOL_THREADS];

static void blocker_work(uv_work_t* req) {
  (void)req;
  sem_wait(&hold);
}

static void blocker_after(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  work_done++;
}

TEST(cancel_of_a_queued_lookup_reports_eai_canceled) {
  uv_loop_t loop;
  uv_getaddrinfo_t gai;
  uv_getnameinfo_t gni;
  struct sockaddr_in a;
  int i;

  CHECK_EQ(sem_init(&hold, 0, 0), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < POOL_THREADS; i++)
    CHECK_EQ(uv_queue_work(&loop, &blockers[i], blocker_work, blocker_after),
             0);
  gai_calls = gni_calls = 0;
  CHECK_EQ(uv_getaddrinfo(&loop, &gai, gai_cb, "localhost", NULL, NULL), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 80, &a), 0);
  CHECK_EQ(uv_getnameinfo(&loop, &gni, gni_cb, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&gai), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&gni), 0);
  CHECK_EQ(gai_calls, 0); /* the callbacks come from the loop */
  for (i = 0; i < POOL_THREADS; i++)
    sem_post(&hold);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gai_calls, 1);
  CHECK_EQ(gai_status, UV_EAI_CANCELED);
  CHECK(gai_result == NULL);
  CHECK_EQ(gni_calls, 1);
  CHECK_EQ(gni_status, UV_EAI_CANCELED);
  CHECK_EQ(work_done, POOL_THREADS);
  CHECK_EQ(uv_loop_close(&loop), 0);
  sem_destroy(&hold);
}

/* ------------------------------------------------------------------------
 * Interfaces and host name. */

TEST(interface_list_has_lo_with_127_0_0_1_as_internal) {
  uv_interface_address_t* list;
  int count, i, found = 0;

  CHECK_EQ(uv_interface_addresses(&list, &count), 0);
  CHECK(count > 0);
  for (i = 0; i < count; i++) {
    CHECK(list[i].name != NULL);
    if (list[i].address.address4.sin_family == AF_INET &&
        list[i].address.address4.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
      CHECK(strcmp(list[i].name, "lo") == 0);
      CHECK_EQ(list[i].is_internal, 1);
      CHECK_EQ(list[i].netmask.netmask4.sin_addr.s_addr, htonl(0xff000000));
      found++;
    }
    if (list[i].address.address4.sin_family == AF_INET6 &&
        IN6_IS_ADDR_LOOPBACK(&list[i].address.address6.sin6_addr))
      CHECK_EQ(list[i].is_internal, 1);
    CHECK(list[i].address.address4.sin_family == AF_INET ||
          list[i].address.address4.sin_family == AF_INET6);
  }
  CHECK_EQ(found, 1);
  uv_free_interface_addresses(list, count);
}

TEST(os_gethostname_matches_the_system_and_reports_short_buffers) {
  char mine[UV_MAXHOSTNAMESIZE], sys[256];
  char tiny[2];
  size_t size = sizeof(mine);

  CHECK_EQ(gethostname(sys, sizeof(sys)), 0);
  CHECK_EQ(uv_os_gethostname(mine, &size), 0);
  CHECK(strcmp(mine, sys) == 0);
  CHECK_EQ(size, strlen(sys));
  if (strlen(sys) >= sizeof(tiny)) {
    size = sizeof(tiny);
    CHECK_EQ(uv_os_gethostname(tiny, &size), UV_ENOBUFS);
    CHECK_EQ(size, strlen(sys) + 1);
  }
  size = 0;
  CHECK_EQ(uv_os_gethostname(mine, &size), UV_EINVAL);
  CHECK_EQ(uv_os_gethostname(NULL, &size), UV_EINVAL);
  CHECK_EQ(uv_os_gethostname(mine, NULL), UV_EINVAL);
}

HARNESS_MAIN
