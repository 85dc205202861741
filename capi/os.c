/* OS helpers that are thin wrappers over libc: the environment, users,
 * host names, priorities, the working directory and resource usage. They
 * stay in C (docs/design.md, "What stays in C"): the environment in particular is
 * libc's `environ`, which the host changes with setenv(3) behind Go's back,
 * so reading it from Go would see a stale copy. Helpers that parse /proc
 * and /sys are Go (io/os.go, capi/os.go). */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE /* RUSAGE_THREAD */
#endif

#include "capi.h"
#include "internal.h"
#include "os.h"
#include "_cgo_export.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char** environ;

/* gouv__os_copy_out stores s in buffer under libuv's size protocol: on
 * success *size is the length without the terminating nul; when the buffer
 * is too small *size becomes the length with it and UV_ENOBUFS is
 * returned, so the caller can retry with exactly that much. */
static int gouv__os_copy_out(const char* s, size_t len, char* buffer, size_t* size) {
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, s, len);
  buffer[len] = '\0';
  *size = len;
  return 0;
}

int uv_os_getenv(const char* name, char* buffer, size_t* size) {
  const char* v;
  if (name == NULL || buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  v = getenv(name);
  if (v == NULL)
    return UV_ENOENT;
  return gouv__os_copy_out(v, strlen(v), buffer, size);
}

int uv_os_setenv(const char* name, const char* value) {
  if (name == NULL || value == NULL)
    return UV_EINVAL;
  if (setenv(name, value, 1) != 0)
    return -errno;
  return 0;
}

int uv_os_unsetenv(const char* name) {
  if (name == NULL)
    return UV_EINVAL;
  if (unsetenv(name) != 0)
    return -errno;
  return 0;
}

int uv_os_environ(uv_env_item_t** envitems, int* count) {
  int n, i, k;
  uv_env_item_t* items;
  if (envitems == NULL || count == NULL)
    return UV_EINVAL;
  *envitems = NULL;
  *count = 0;
  for (n = 0; environ[n] != NULL; n++)
    ;
  items = gouv__calloc(n > 0 ? n : 1, sizeof(*items));
  if (items == NULL)
    return UV_ENOMEM;
  for (i = 0, k = 0; i < n; i++) {
    char* copy;
    char* eq;
    /* An entry without '=' is no variable: libc's getenv skips it too. */
    if (strchr(environ[i], '=') == NULL)
      continue;
    /* One allocation per entry: name and value share it, split at '='. */
    copy = gouv__strdup(environ[i]);
    if (copy == NULL) {
      uv_os_free_environ(items, k);
      return UV_ENOMEM;
    }
    eq = strchr(copy, '=');
    *eq = '\0';
    items[k].name = copy;
    items[k].value = eq + 1;
    k++;
  }
  *envitems = items;
  *count = k;
  return 0;
}

void uv_os_free_environ(uv_env_item_t* envitems, int count) {
  int i;
  if (envitems == NULL)
    return;
  for (i = 0; i < count; i++)
    gouv__free(envitems[i].name);
  gouv__free(envitems);
}

/* gouv__os_passwd reads the password entry of uid into pwd, as one block
 * that starts at pwd->username (uv_os_free_passwd frees that one block). */
static int gouv__os_passwd(uid_t uid, uv_passwd_t* pwd) {
  struct passwd pw;
  struct passwd* result = NULL;
  char* buf = NULL;
  long bufsize = sysconf(_SC_GETPW_R_SIZE_MAX);
  size_t nl, hl, sl;
  char* block;
  int r;
  if (bufsize <= 0)
    bufsize = 4096;
  for (;;) {
    gouv__free(buf);
    buf = gouv__malloc(bufsize);
    if (buf == NULL)
      return UV_ENOMEM;
    do
      r = getpwuid_r(uid, &pw, buf, bufsize, &result);
    while (r == EINTR);
    if (r != ERANGE)
      break;
    bufsize *= 2;
  }
  if (r != 0) {
    gouv__free(buf);
    return -r;
  }
  if (result == NULL) {
    gouv__free(buf);
    return UV_ENOENT;
  }
  nl = strlen(pw.pw_name) + 1;
  hl = strlen(pw.pw_dir) + 1;
  sl = strlen(pw.pw_shell) + 1;
  block = gouv__malloc(nl + hl + sl);
  if (block == NULL) {
    gouv__free(buf);
    return UV_ENOMEM;
  }
  memcpy(block, pw.pw_name, nl);
  memcpy(block + nl, pw.pw_dir, hl);
  memcpy(block + nl + hl, pw.pw_shell, sl);
  pwd->username = block;
  pwd->homedir = block + nl;
  pwd->shell = block + nl + hl;
  pwd->uid = pw.pw_uid;
  pwd->gid = pw.pw_gid;
  gouv__free(buf);
  return 0;
}

int uv_os_get_passwd(uv_passwd_t* pwd) {
  if (pwd == NULL)
    return UV_EINVAL;
  return gouv__os_passwd(geteuid(), pwd);
}

void uv_os_free_passwd(uv_passwd_t* pwd) {
  if (pwd == NULL)
    return;
  gouv__free(pwd->username);
  pwd->username = NULL;
  pwd->shell = NULL;
  pwd->homedir = NULL;
}

int uv_os_get_passwd2(uv_passwd_t* pwd, uv_uid_t uid) {
  if (pwd == NULL)
    return UV_EINVAL;
  return gouv__os_passwd(uid, pwd);
}

/* uv_os_get_group fills grp from the group entry of gid as one block that
 * starts at grp->members: the NULL-terminated array of member pointers,
 * then the members' names, then the group's name (uv_os_free_group frees
 * that one block). */
int uv_os_get_group(uv_group_t* grp, uv_uid_t gid) {
  struct group gr;
  struct group* result = NULL;
  char* buf = NULL;
  long bufsize = sysconf(_SC_GETGR_R_SIZE_MAX);
  size_t count = 0;
  size_t strings;
  size_t i;
  char** members;
  char* p;
  int r;
  if (grp == NULL)
    return UV_EINVAL;
  if (bufsize <= 0)
    bufsize = 4096;
  for (;;) {
    gouv__free(buf);
    buf = gouv__malloc(bufsize);
    if (buf == NULL)
      return UV_ENOMEM;
    do
      r = getgrgid_r((gid_t)gid, &gr, buf, bufsize, &result);
    while (r == EINTR);
    if (r != ERANGE)
      break;
    bufsize *= 2;
  }
  if (r != 0 || result == NULL) {
    gouv__free(buf);
    return r != 0 ? -r : UV_ENOENT;
  }
  strings = strlen(gr.gr_name) + 1;
  for (count = 0; gr.gr_mem[count] != NULL; count++)
    strings += strlen(gr.gr_mem[count]) + 1;
  members = gouv__malloc((count + 1) * sizeof(char*) + strings);
  if (members == NULL) {
    gouv__free(buf);
    return UV_ENOMEM;
  }
  p = (char*)(members + count + 1);
  for (i = 0; i < count; i++) {
    size_t n = strlen(gr.gr_mem[i]) + 1;
    memcpy(p, gr.gr_mem[i], n);
    members[i] = p;
    p += n;
  }
  members[count] = NULL;
  memcpy(p, gr.gr_name, strlen(gr.gr_name) + 1);
  grp->groupname = p;
  grp->gid = gr.gr_gid;
  grp->members = members;
  gouv__free(buf);
  return 0;
}

void uv_os_free_group(uv_group_t* grp) {
  if (grp == NULL)
    return;
  gouv__free(grp->members);
  grp->members = NULL;
  grp->groupname = NULL;
}

int uv_os_homedir(char* buffer, size_t* size) {
  uv_passwd_t pwd;
  int r;
  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  /* $HOME wins, as in libuv; the password database is the fallback. */
  r = uv_os_getenv("HOME", buffer, size);
  if (r != UV_ENOENT)
    return r;
  r = uv_os_get_passwd(&pwd);
  if (r != 0)
    return r;
  r = gouv__os_copy_out(pwd.homedir, strlen(pwd.homedir), buffer, size);
  uv_os_free_passwd(&pwd);
  return r;
}

int uv_os_tmpdir(char* buffer, size_t* size) {
  static const char* const vars[] = {"TMPDIR", "TMP", "TEMP", "TEMPDIR"};
  const char* dir = NULL;
  size_t len;
  unsigned i;
  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && dir == NULL; i++) {
    dir = getenv(vars[i]);
    if (dir != NULL && dir[0] == '\0')
      dir = NULL;
  }
  if (dir == NULL)
    dir = "/tmp";
  len = strlen(dir);
  /* A trailing slash is dropped, except from "/" itself. */
  if (len > 1 && dir[len - 1] == '/')
    len--;
  return gouv__os_copy_out(dir, len, buffer, size);
}

int uv_os_getpriority(uv_pid_t pid, int* priority) {
  int r;
  if (priority == NULL)
    return UV_EINVAL;
  /* -1 is also a valid priority: only errno tells failure apart. */
  errno = 0;
  r = getpriority(PRIO_PROCESS, (id_t)pid);
  if (r == -1 && errno != 0)
    return -errno;
  *priority = r;
  return 0;
}

int uv_os_setpriority(uv_pid_t pid, int priority) {
  if (priority < UV_PRIORITY_HIGHEST || priority > UV_PRIORITY_LOW)
    return UV_EINVAL;
  if (setpriority(PRIO_PROCESS, (id_t)pid, priority) != 0)
    return -errno;
  return 0;
}

/* gouv__os_field copies a nul-terminated uname field, failing rather than
 * truncating (the destination is larger than any kernel field anyway). */
static int gouv__os_field(char* dst, size_t cap, const char* src) {
  size_t n = strlen(src);
  if (n >= cap)
    return UV_E2BIG;
  memcpy(dst, src, n + 1);
  return 0;
}

int uv_os_uname(uv_utsname_t* buffer) {
  struct utsname u;
  int r;
  if (buffer == NULL)
    return UV_EINVAL;
  if (uname(&u) != 0) {
    r = -errno;
    goto fail;
  }
  if ((r = gouv__os_field(buffer->sysname, sizeof(buffer->sysname), u.sysname)) != 0 ||
      (r = gouv__os_field(buffer->release, sizeof(buffer->release), u.release)) != 0 ||
      (r = gouv__os_field(buffer->version, sizeof(buffer->version), u.version)) != 0 ||
      (r = gouv__os_field(buffer->machine, sizeof(buffer->machine), u.machine)) != 0)
    goto fail;
  return 0;
fail:
  buffer->sysname[0] = '\0';
  buffer->release[0] = '\0';
  buffer->version[0] = '\0';
  buffer->machine[0] = '\0';
  return r;
}

static int gouv__getrusage(int who, uv_rusage_t* rusage) {
  struct rusage u;
  if (rusage == NULL)
    return UV_EINVAL;
  if (getrusage(who, &u) != 0)
    return -errno;
  rusage->ru_utime.tv_sec = u.ru_utime.tv_sec;
  rusage->ru_utime.tv_usec = u.ru_utime.tv_usec;
  rusage->ru_stime.tv_sec = u.ru_stime.tv_sec;
  rusage->ru_stime.tv_usec = u.ru_stime.tv_usec;
  rusage->ru_maxrss = u.ru_maxrss;
  rusage->ru_ixrss = u.ru_ixrss;
  rusage->ru_idrss = u.ru_idrss;
  rusage->ru_isrss = u.ru_isrss;
  rusage->ru_minflt = u.ru_minflt;
  rusage->ru_majflt = u.ru_majflt;
  rusage->ru_nswap = u.ru_nswap;
  rusage->ru_inblock = u.ru_inblock;
  rusage->ru_oublock = u.ru_oublock;
  rusage->ru_msgsnd = u.ru_msgsnd;
  rusage->ru_msgrcv = u.ru_msgrcv;
  rusage->ru_nsignals = u.ru_nsignals;
  rusage->ru_nvcsw = u.ru_nvcsw;
  rusage->ru_nivcsw = u.ru_nivcsw;
  return 0;
}

int uv_getrusage(uv_rusage_t* rusage) {
  return gouv__getrusage(RUSAGE_SELF, rusage);
}

/* The calling thread's usage alone (libuv 1.50). */
int uv_getrusage_thread(uv_rusage_t* rusage) {
  return gouv__getrusage(RUSAGE_THREAD, rusage);
}

int uv_exepath(char* buffer, size_t* size) {
  ssize_t n;
  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  /* A path longer than the buffer is cut short, as libuv does; a buffer
   * of one byte gets only the NUL (readlink refuses a size of 0). */
  n = 0;
  if (*size > 1)
    n = readlink("/proc/self/exe", buffer, *size - 1);
  if (n < 0)
    return -errno;
  buffer[n] = '\0';
  *size = (size_t)n;
  return 0;
}

int uv_cwd(char* buffer, size_t* size) {
  char scratch[4096 + 1];
  size_t len;
  if (buffer == NULL || size == NULL)
    return UV_EINVAL;
  if (getcwd(buffer, *size) == NULL) {
    if (errno != ERANGE)
      return -errno;
    /* Tell the caller how much it takes, nul included. */
    if (getcwd(scratch, sizeof(scratch)) == NULL)
      return -errno;
    *size = strlen(scratch) + 1;
    return UV_ENOBUFS;
  }
  len = strlen(buffer);
  if (len > 1 && buffer[len - 1] == '/') {
    len--;
    buffer[len] = '\0';
  }
  *size = len;
  return 0;
}

int uv_chdir(const char* dir) {
  if (dir == NULL)
    return UV_EINVAL;
  if (chdir(dir) != 0)
    return -errno;
  return 0;
}

int uv_kill(int pid, int signum) {
  if (kill(pid, signum) != 0)
    return -errno;
  return 0;
}

void uv_disable_stdio_inheritance(void) {
  int fd;
  /* Mark every descriptor close-on-exec: the first 16 whatever happens,
   * then on until the first that is not open. */
  for (fd = 0;; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags == -1) {
      if (fd > 15)
        break;
      continue;
    }
    fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

void uv_free_cpu_info(uv_cpu_info_t* cpu_infos, int count) {
  int i;
  if (cpu_infos == NULL)
    return;
  for (i = 0; i < count; i++)
    gouv__free(cpu_infos[i].model);
  gouv__free(cpu_infos);
}

void uv_library_shutdown(void) {
  static int done;
  /* Once only, as libuv. The Go runtime and the worker pool cannot be
   * unloaded; what the library allocated for the host is released. */
  if (__atomic_exchange_n(&done, 1, __ATOMIC_SEQ_CST))
    return;
  gouv_proctitle_shutdown();
}

/* The parameter is an array in uv.h, which a Go export cannot declare. */
void uv_loadavg(double avg[3]) {
  gouv_loadavg(avg);
}
