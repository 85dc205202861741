/* Functions of the os area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

int uv_chdir(const char* dir) {
  (void)dir;
  return gouv_enosys(__func__);
}

int uv_cpu_info(uv_cpu_info_t** cpu_infos, int* count) {
  (void)cpu_infos;
  (void)count;
  return gouv_enosys(__func__);
}

int uv_cwd(char* buffer, size_t* size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

void uv_disable_stdio_inheritance(void) {
  gouv_enosys(__func__);
}

int uv_exepath(char* buffer, size_t* size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

void uv_free_cpu_info(uv_cpu_info_t* cpu_infos, int count) {
  (void)cpu_infos;
  (void)count;
  gouv_enosys(__func__);
}

uint64_t uv_get_constrained_memory(void) {
  return (gouv_enosys(__func__), 0);
}

uint64_t uv_get_free_memory(void) {
  return (gouv_enosys(__func__), 0);
}

int uv_get_process_title(char* buffer, size_t size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

uint64_t uv_get_total_memory(void) {
  return (gouv_enosys(__func__), 0);
}

int uv_getrusage(uv_rusage_t* rusage) {
  (void)rusage;
  return gouv_enosys(__func__);
}

int uv_kill(int pid, int signum) {
  (void)pid;
  (void)signum;
  return gouv_enosys(__func__);
}

void uv_library_shutdown(void) {
  gouv_enosys(__func__);
}

void uv_loadavg(double avg[3]) {
  (void)avg;
  gouv_enosys(__func__);
}

int uv_os_environ(uv_env_item_t** envitems, int* count) {
  (void)envitems;
  (void)count;
  return gouv_enosys(__func__);
}

void uv_os_free_environ(uv_env_item_t* envitems, int count) {
  (void)envitems;
  (void)count;
  gouv_enosys(__func__);
}

void uv_os_free_passwd(uv_passwd_t* pwd) {
  (void)pwd;
  gouv_enosys(__func__);
}

int uv_os_get_passwd(uv_passwd_t* pwd) {
  (void)pwd;
  return gouv_enosys(__func__);
}

int uv_os_getenv(const char* name, char* buffer, size_t* size) {
  (void)name;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_os_getpriority(uv_pid_t pid, int* priority) {
  (void)pid;
  (void)priority;
  return gouv_enosys(__func__);
}

int uv_os_homedir(char* buffer, size_t* size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_os_setenv(const char* name, const char* value) {
  (void)name;
  (void)value;
  return gouv_enosys(__func__);
}

int uv_os_setpriority(uv_pid_t pid, int priority) {
  (void)pid;
  (void)priority;
  return gouv_enosys(__func__);
}

int uv_os_tmpdir(char* buffer, size_t* size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_os_uname(uv_utsname_t* buffer) {
  (void)buffer;
  return gouv_enosys(__func__);
}

int uv_os_unsetenv(const char* name) {
  (void)name;
  return gouv_enosys(__func__);
}

int uv_process_kill(uv_process_t* process, int signum) {
  (void)process;
  (void)signum;
  return gouv_enosys(__func__);
}

int uv_resident_set_memory(size_t* rss) {
  (void)rss;
  return gouv_enosys(__func__);
}

int uv_set_process_title(const char* title) {
  (void)title;
  return gouv_enosys(__func__);
}

char** uv_setup_args(int argc, char** argv) {
  (void)argc;
  (void)argv;
  return NULL;
}

int uv_signal_init(uv_loop_t* loop, uv_signal_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_signal_start(uv_signal_t* handle, uv_signal_cb signal_cb, int signum) {
  (void)handle;
  (void)signal_cb;
  (void)signum;
  return gouv_enosys(__func__);
}

int uv_signal_start_oneshot(uv_signal_t* handle, uv_signal_cb signal_cb, int signum) {
  (void)handle;
  (void)signal_cb;
  (void)signum;
  return gouv_enosys(__func__);
}

int uv_signal_stop(uv_signal_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_spawn(uv_loop_t* loop, uv_process_t* handle, const uv_process_options_t* options) {
  (void)loop;
  (void)handle;
  (void)options;
  return gouv_enosys(__func__);
}

int uv_uptime(double* uptime) {
  (void)uptime;
  return gouv_enosys(__func__);
}
