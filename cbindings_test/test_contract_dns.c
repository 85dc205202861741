/* The DNS page of libuv 1.44's documentation, sentence by sentence, where
 * test_dns.c leaves a gap: a lookup with neither node nor service, the
 * members of the requests, a failed lookup's NULL result, and the NUL
 * terminated host and service. Loopback names only. See docs/contract.md. */
#include <uv.h>

#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static void never_gai(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
  (void)req;
  (void)status;
  (void)res;
  CHECK(0);
}

TEST(getaddrinfo_with_neither_node_nor_service_is_einval) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_getaddrinfo(&loop, &req, never_gai, NULL, NULL, NULL),
           UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int gai_calls;
static int gai_port;
static void service_only(uv_getaddrinfo_t* req, int status,
                         struct addrinfo* res) {
  gai_calls++;
  CHECK_EQ(status, 0);
  CHECK(res != NULL);
  CHECK(req->addrinfo == res);
  CHECK(res->ai_family == AF_INET);
  gai_port = ntohs(((struct sockaddr_in*)res->ai_addr)->sin_port);
  uv_freeaddrinfo(res);
}

TEST(getaddrinfo_with_only_a_service_sets_the_addrinfo_member) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_getaddrinfo(&loop, &req, service_only, NULL, "4321", &hints), 0);
  CHECK(req.loop == &loop);
  CHECK_EQ(req.type, UV_GETADDRINFO);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gai_calls, 1);
  CHECK_EQ(gai_port, 4321);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int failed_status;
static struct addrinfo* failed_res = (struct addrinfo*)1;
static void record_failure(uv_getaddrinfo_t* req, int status,
                           struct addrinfo* res) {
  (void)req;
  failed_status = status;
  failed_res = res;
}

TEST(failed_getaddrinfo_calls_back_with_a_uv_eai_code_and_a_null_result) {
  uv_loop_t loop;
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_NUMERICHOST;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_getaddrinfo(&loop, &req, record_failure, "not-a-number", NULL,
                          &hints),
           0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(failed_status, UV_EAI_NONAME);
  CHECK(failed_res == NULL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int gni_calls;
static void record_names(uv_getnameinfo_t* req, int status, const char* host,
                         const char* service) {
  gni_calls++;
  CHECK_EQ(status, 0);
  CHECK(host == req->host);
  CHECK(service == req->service);
  CHECK(strcmp(req->host, "127.0.0.1") == 0);
  CHECK(strcmp(req->service, "4321") == 0);
  CHECK(memchr(req->host, '\0', sizeof req->host) != NULL);
}

TEST(getnameinfo_fills_the_host_and_service_members_with_terminated_text) {
  uv_loop_t loop;
  uv_getnameinfo_t req;
  struct sockaddr_in a = contract_lo4(4321);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_getnameinfo(&loop, &req, record_names, (struct sockaddr*)&a,
                          NI_NUMERICHOST | NI_NUMERICSERV),
           0);
  CHECK(req.loop == &loop);
  CHECK_EQ(req.type, UV_GETNAMEINFO);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(gni_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
