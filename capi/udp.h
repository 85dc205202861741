/* Private declarations of the UDP face (udp.c, udp.go). */
#ifndef GOUV_CAPI_UDP_H
#define GOUV_CAPI_UDP_H

#include <uv.h>

/* The host's receive callbacks live in the handle's private area, where
 * the C reader finds them; io_watcher holds the Go handle (io.UDP, whose
 * watcher's descriptor is io_watcher.fd), of which C reads only that
 * descriptor. */
#define GOUV_UDP_ALLOC_CB(h) ((h)->gouv_udp_a[0])
#define GOUV_UDP_RECV_CB(h) ((h)->gouv_udp_a[1])

/* Called by the Go loop per event, with the handle as an integer (stream.h
 * says why). */
void gouv_udp_read_direct(uintptr_t handle, int budget, int errqueue);
void gouv_udp_send_io(uintptr_t handle);
void gouv_udp_cancel_sends(uv_udp_t* handle);

/* Set in the handle's flags while it is connected (uvio.UDPFlagConnected,
 * libuv's value); layout.go checks that the two agree. */
#define GOUV_UDP_CONNECTED 0x02000000u
/* Set in the handle's flags for uv_udp_init_ex's UV_UDP_RECVMMSG mode
 * (uvio.UDPFlagRecvmmsg, libuv's value); it stays after the close. */
#define GOUV_UDP_RECVMMSG 0x04000000u

unsigned gouv_udp_addrlen(const struct sockaddr* addr);

#endif
