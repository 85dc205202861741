/* Name resolution through libc: the resolver calls that pool workers make
 * (so /etc/hosts, nsswitch and the hints behave exactly as in libuv), the
 * EAI_* translation, the const-taking entry points, and the callback
 * trampolines. The request bookkeeping is in dns.go. */
#define _GNU_SOURCE /* glibc's extra EAI_* codes */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "capi.h"
#include "dns.h"
#include "_cgo_export.h"

/* gouv_eai_error turns a getaddrinfo/getnameinfo status into UV_EAI_*.
 * It runs on the worker thread right after the call, while errno still
 * belongs to it (EAI_SYSTEM). */
static int gouv_eai_error(int err) {
  switch (err) {
    case 0: return 0;
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY: return UV_EAI_ADDRFAMILY;
#endif
    case EAI_AGAIN: return UV_EAI_AGAIN;
    case EAI_BADFLAGS: return UV_EAI_BADFLAGS;
#ifdef EAI_CANCELED
    case EAI_CANCELED: return UV_EAI_CANCELED;
#endif
    case EAI_FAIL: return UV_EAI_FAIL;
    case EAI_FAMILY: return UV_EAI_FAMILY;
    case EAI_MEMORY: return UV_EAI_MEMORY;
#ifdef EAI_NODATA
    case EAI_NODATA: return UV_EAI_NODATA;
#endif
    case EAI_NONAME: return UV_EAI_NONAME;
    case EAI_OVERFLOW: return UV_EAI_OVERFLOW;
    case EAI_SERVICE: return UV_EAI_SERVICE;
    case EAI_SOCKTYPE: return UV_EAI_SOCKTYPE;
    case EAI_SYSTEM: return errno > 0 ? -errno : UV_EAI_FAIL;
  }
  /* libuv aborts on a code it does not know; a failure is kinder. */
  return UV_EAI_FAIL;
}

void gouv_getaddrinfo_work(uv_getaddrinfo_t* req) {
  int err = getaddrinfo(req->gouv_hostname, req->gouv_service,
                        req->gouv_hints, &req->addrinfo);
  req->retcode = gouv_eai_error(err);
  /* POSIX leaves the result unspecified on failure; the host will pass
   * it to uv_freeaddrinfo all the same. */
  if (err != 0)
    req->addrinfo = NULL;
}

void gouv_getnameinfo_work(uv_getnameinfo_t* req) {
  socklen_t len;
  int err;

  len = req->gouv_storage.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                : sizeof(struct sockaddr_in);
  err = getnameinfo((struct sockaddr*)&req->gouv_storage, len, req->host,
                    sizeof(req->host), req->service, sizeof(req->service),
                    req->gouv_flags);
  req->retcode = gouv_eai_error(err);
}

void gouv_call_getaddrinfo(uv_getaddrinfo_t* req) {
  req->gouv_cb(req, req->retcode, req->addrinfo);
}

/* Host and service are passed only on success, as libuv does. */
void gouv_call_getnameinfo(uv_getnameinfo_t* req) {
  if (req->retcode == 0)
    req->gouv_cb(req, 0, req->host, req->service);
  else
    req->gouv_cb(req, req->retcode, NULL, NULL);
}

int uv_getaddrinfo(uv_loop_t* loop, uv_getaddrinfo_t* req,
                   uv_getaddrinfo_cb getaddrinfo_cb, const char* node,
                   const char* service, const struct addrinfo* hints) {
  /* The strings and hints are copied before this returns. */
  return gouv_getaddrinfo(loop, req, getaddrinfo_cb, (char*)node,
                          (char*)service, (struct addrinfo*)hints);
}

void uv_freeaddrinfo(struct addrinfo* ai) {
  if (ai != NULL)
    freeaddrinfo(ai);
}

int uv_getnameinfo(uv_loop_t* loop, uv_getnameinfo_t* req,
                   uv_getnameinfo_cb getnameinfo_cb,
                   const struct sockaddr* addr, int flags) {
  if (req == NULL || addr == NULL)
    return UV_EINVAL;
  if (addr->sa_family == AF_INET)
    memcpy(&req->gouv_storage, addr, sizeof(struct sockaddr_in));
  else if (addr->sa_family == AF_INET6)
    memcpy(&req->gouv_storage, addr, sizeof(struct sockaddr_in6));
  else
    return UV_EINVAL;
  req->gouv_flags = flags;
  return gouv_getnameinfo(loop, req, getnameinfo_cb);
}
