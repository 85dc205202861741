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

/* process.c: calls a uv_exit_cb. */
void gouv_call_exit(void* fn, void* handle, int64_t exit_status, int term_signal);

/* process.c: the fork and the child's side of uv_spawn. */
#define GOUV_SPAWN_DETACHED 1
#define GOUV_SPAWN_SETUID 2
#define GOUV_SPAWN_SETGID 4
int gouv_fork_exec(const char* path, char** argv, char** envp, const char* cwd, const int* fds,
                   int nfds, unsigned nonblock, int flags, unsigned uid, unsigned gid,
                   int* pid_out, int* pidfd_out);

/* fault.c: puts gouv's fault handler above a host's that replaced Go's. */
void gouv_fault_chain(void);

#endif
