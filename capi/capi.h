/* Private declarations shared by capi's Go and C files. */
#ifndef GOUV_CAPI_H
#define GOUV_CAPI_H

#include <uv.h>

/* Tag stored in uv_handle_t.gouv_gen while a handle is initialised, so a
 * never-initialised (zeroed) or finished handle is told apart. */
#define GOUV_HANDLE_TAG 0x676f7576u

/* Handle state bits in uv_handle_t.flags (libuv's values; loop/handle.go
 * keeps them). */
#define GOUV_FLAG_CLOSING 0x01u
#define GOUV_FLAG_CLOSED 0x02u
#define GOUV_FLAG_ACTIVE 0x04u
#define GOUV_FLAG_REF 0x08u

/* Trampolines: Go cannot call a C function pointer, so it calls these. */
void gouv_call_handle(void* fn, void* handle);
void gouv_call_walk(void* fn, void* handle, void* arg);

/* Reports a function that is not implemented yet: UV_ENOSYS, and a line on
 * stderr under GOUV_DEBUG=1. */
int gouv_enosys(const char* function);

/* epoll_wait on the thread's own stack (wait.c); -errno on failure. */
int gouv_epoll_wait(int epfd, void* events, int maxevents, int timeout,
                    int block_sigprof);

/* Adds SA_ONSTACK to the host's signal handlers (onstack.c). */
void gouv_host_handlers_onstack(int force);

/* UV_EINVAL for a buffer array no single send or write may take (bufs.c). */
int gouv_check_bufs(const uv_buf_t bufs[], unsigned int nbufs);

/* The default loop's storage lives in C (loop.c). */
void gouv_forget_default_loop(uv_loop_t* loop);

#endif
