/* Private declarations of the os area (processes, signals, OS helpers),
 * shared by its C and Go files in capi/. */
#ifndef GOUV_CAPI_OS_H
#define GOUV_CAPI_OS_H

#include <uv.h>

/* proctitle.c: releases the argv copy made by uv_setup_args. */
void gouv_proctitle_shutdown(void);

/* signal.c: the process-wide handlers behind uv_signal_t. */
extern uint64_t gouv_sig_counts[65];
int gouv_sig_install(int signum);
void gouv_sig_uninstall(int signum);
int gouv_sig_register(int fd);
void gouv_sig_set_mask(int slot, uint64_t mask);
void gouv_sig_unregister(int slot);
void gouv_call_signal(void* fn, void* handle, int signum);
#endif
