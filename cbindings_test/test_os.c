/* OS helpers, checked against what /proc and libc report. */
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness.h"

static long long proc_field_kb(const char* field) {
  char line[256];
  long long v = -1;
  FILE* f = fopen("/proc/meminfo", "r");
  CHECK(f != NULL);
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':') {
      v = atoll(line + strlen(field) + 1);
      break;
    }
  }
  fclose(f);
  return v;
}

TEST(os_getenv_negotiates_buffer_size) {
  char buf[8];
  size_t size;
  CHECK_EQ(uv_os_setenv("GOUV_TEST_VAR", "0123456789"), 0);
  size = sizeof(buf);
  CHECK_EQ(uv_os_getenv("GOUV_TEST_VAR", buf, &size), UV_ENOBUFS);
  CHECK_EQ(size, 11);
  {
    char big[11];
    CHECK_EQ(uv_os_getenv("GOUV_TEST_VAR", big, &size), 0);
    CHECK_EQ(size, 10);
    CHECK(strcmp(big, "0123456789") == 0);
  }
  /* The host's own setenv is seen, and ours is seen by getenv. */
  CHECK(strcmp(getenv("GOUV_TEST_VAR"), "0123456789") == 0);
  setenv("GOUV_TEST_VAR", "x", 1);
  size = sizeof(buf);
  CHECK_EQ(uv_os_getenv("GOUV_TEST_VAR", buf, &size), 0);
  CHECK(strcmp(buf, "x") == 0);
  CHECK_EQ(uv_os_unsetenv("GOUV_TEST_VAR"), 0);
  size = sizeof(buf);
  CHECK_EQ(uv_os_getenv("GOUV_TEST_VAR", buf, &size), UV_ENOENT);
  CHECK(getenv("GOUV_TEST_VAR") == NULL);
  size = 0;
  CHECK_EQ(uv_os_getenv("PATH", buf, &size), UV_EINVAL);
  size = sizeof(buf);
  CHECK_EQ(uv_os_getenv(NULL, buf, &size), UV_EINVAL);
  CHECK_EQ(uv_os_getenv("PATH", NULL, &size), UV_EINVAL);
  CHECK_EQ(uv_os_setenv(NULL, "x"), UV_EINVAL);
  CHECK_EQ(uv_os_setenv("A=B", "x"), UV_EINVAL);
  CHECK_EQ(uv_os_unsetenv(NULL), UV_EINVAL);
}

TEST(os_environ_lists_every_variable) {
  uv_env_item_t* items;
  int count, i, found = 0, n = 0;
  extern char** environ;
  CHECK_EQ(setenv("GOUV_ENV_ITEM", "a=b", 1), 0);
  CHECK_EQ(uv_os_environ(&items, &count), 0);
  for (i = 0; environ[i] != NULL; i++)
    n++;
  CHECK_EQ(count, n);
  for (i = 0; i < count; i++) {
    if (strcmp(items[i].name, "GOUV_ENV_ITEM") == 0) {
      CHECK(strcmp(items[i].value, "a=b") == 0);
      found++;
    }
  }
  CHECK_EQ(found, 1);
  uv_os_free_environ(items, count);
}

TEST(os_homedir_prefers_HOME_then_passwd) {
  char buf[PATH_MAX];
  size_t size = sizeof(buf);
  char* saved;
  struct passwd* pw = getpwuid(geteuid());
  CHECK(pw != NULL);
  CHECK_EQ(setenv("HOME", "/some/where", 1), 0);
  CHECK_EQ(uv_os_homedir(buf, &size), 0);
  CHECK(strcmp(buf, "/some/where") == 0);
  CHECK_EQ(size, strlen("/some/where"));
  size = 3;
  CHECK_EQ(uv_os_homedir(buf, &size), UV_ENOBUFS);
  CHECK_EQ(size, strlen("/some/where") + 1);
  saved = strdup(pw->pw_dir);
  unsetenv("HOME");
  size = sizeof(buf);
  CHECK_EQ(uv_os_homedir(buf, &size), 0);
  CHECK(strcmp(buf, saved) == 0);
  free(saved);
}

TEST(os_tmpdir_reads_environment_and_strips_slash) {
  char buf[PATH_MAX];
  size_t size = sizeof(buf);
  unsetenv("TMP");
  unsetenv("TEMP");
  unsetenv("TEMPDIR");
  CHECK_EQ(setenv("TMPDIR", "/var/tmp/", 1), 0);
  CHECK_EQ(uv_os_tmpdir(buf, &size), 0);
  CHECK(strcmp(buf, "/var/tmp") == 0);
  CHECK_EQ(size, 8);
  unsetenv("TMPDIR");
  CHECK_EQ(setenv("TEMP", "/t", 1), 0);
  size = sizeof(buf);
  CHECK_EQ(uv_os_tmpdir(buf, &size), 0);
  CHECK(strcmp(buf, "/t") == 0);
  unsetenv("TEMP");
  size = sizeof(buf);
  CHECK_EQ(uv_os_tmpdir(buf, &size), 0);
  CHECK(strcmp(buf, "/tmp") == 0);
  size = 2;
  CHECK_EQ(uv_os_tmpdir(buf, &size), UV_ENOBUFS);
  CHECK_EQ(size, 5);
  CHECK_EQ(uv_os_tmpdir(NULL, &size), UV_EINVAL);
}

TEST(os_get_passwd_matches_libc) {
  uv_passwd_t pwd;
  struct passwd* pw = getpwuid(geteuid());
  CHECK(pw != NULL);
  CHECK_EQ(uv_os_get_passwd(&pwd), 0);
  CHECK(strcmp(pwd.username, pw->pw_name) == 0);
  CHECK(strcmp(pwd.homedir, pw->pw_dir) == 0);
  CHECK(strcmp(pwd.shell, pw->pw_shell) == 0);
  CHECK_EQ(pwd.uid, pw->pw_uid);
  CHECK_EQ(pwd.gid, pw->pw_gid);
  uv_os_free_passwd(&pwd);
  CHECK(pwd.username == NULL);
  CHECK_EQ(uv_os_get_passwd(NULL), UV_EINVAL);
}

TEST(os_priority_round_trips) {
  int prio;
  CHECK_EQ(uv_os_getpriority(0, &prio), 0);
  CHECK_EQ(prio, getpriority(PRIO_PROCESS, 0));
  CHECK_EQ(uv_os_setpriority(0, prio + 1 > 19 ? 19 : prio + 1), 0);
  CHECK_EQ(uv_os_getpriority(0, &prio), 0);
  CHECK_EQ(prio, getpriority(PRIO_PROCESS, 0));
  CHECK_EQ(uv_os_getpriority(0, NULL), UV_EINVAL);
  CHECK_EQ(uv_os_setpriority(0, 20), UV_EINVAL);
  CHECK_EQ(uv_os_setpriority(0, -21), UV_EINVAL);
  CHECK_EQ(uv_os_getpriority(-12345678, &prio), UV_ESRCH);
}

TEST(os_uname_matches_libc) {
  uv_utsname_t u;
  struct utsname ref;
  CHECK_EQ(uname(&ref), 0);
  CHECK_EQ(uv_os_uname(&u), 0);
  CHECK(strcmp(u.sysname, ref.sysname) == 0);
  CHECK(strcmp(u.release, ref.release) == 0);
  CHECK(strcmp(u.version, ref.version) == 0);
  CHECK(strcmp(u.machine, ref.machine) == 0);
  CHECK_EQ(uv_os_uname(NULL), UV_EINVAL);
}

TEST(cpu_info_counts_online_cpus) {
  uv_cpu_info_t* cpus;
  int count, i;
  CHECK_EQ(uv_cpu_info(&cpus, &count), 0);
  CHECK_EQ(count, sysconf(_SC_NPROCESSORS_ONLN));
  for (i = 0; i < count; i++) {
    CHECK(cpus[i].model != NULL && cpus[i].model[0] != '\0');
    CHECK(cpus[i].speed >= 0);
    CHECK(cpus[i].cpu_times.user + cpus[i].cpu_times.sys + cpus[i].cpu_times.idle > 0);
    /* Times are milliseconds: multiples of the 10 ms tick. */
    CHECK_EQ(cpus[i].cpu_times.idle % 10, 0);
  }
  uv_free_cpu_info(cpus, count);
}

TEST(memory_helpers_match_proc) {
  uint64_t total = uv_get_total_memory();
  uint64_t avail = uv_get_free_memory();
  uint64_t limit = uv_get_constrained_memory();
  size_t rss = 0;
  long long kb = proc_field_kb("MemTotal");
  CHECK_EQ(total, (uint64_t)kb * 1024);
  CHECK(avail > 0 && avail <= total);
  (void)limit; /* 0 or a limit: both are valid answers */
  CHECK_EQ(uv_resident_set_memory(&rss), 0);
  /* The test program itself is resident: more than 100 kB, less than all. */
  CHECK(rss > 100 * 1024 && rss < total);
}

TEST(constrained_memory_reads_cgroup) {
  FILE* f = fopen("/sys/fs/cgroup/memory/memory.limit_in_bytes", "r");
  unsigned long long v;
  if (f == NULL)
    return; /* cgroup v2: both libraries may disagree on the unified tree */
  CHECK_EQ(fscanf(f, "%llu", &v), 1);
  fclose(f);
  /* cgroup v1 writes "no limit" as LONG_MAX rounded down to a page: libuv
   * 1.44 and gouv return that number, libuv 1.53 (scripts/ref153.sh)
   * UINT64_MAX, and 1.53 also reads the process's own group, its soft
   * limit and RLIMIT_AS (docs/differences.md). */
  if (strstr(uv_version_string(), "gouv") == NULL && uv_version() >= 0x013500) {
    if (v == ((unsigned long long)LONG_MAX & ~(unsigned long long)(sysconf(_SC_PAGESIZE) - 1)))
      CHECK(uv_get_constrained_memory() == UINT64_MAX || uv_get_constrained_memory() < v);
    return;
  }
  CHECK_EQ(uv_get_constrained_memory(), v);
}

TEST(uptime_and_loadavg_match_kernel) {
  double up = 0, avg[3] = {-1, -1, -1}, ref;
  struct sysinfo si;
  FILE* f = fopen("/proc/uptime", "r");
  CHECK(f != NULL);
  CHECK_EQ(fscanf(f, "%lf", &ref), 1);
  fclose(f);
  CHECK_EQ(uv_uptime(&up), 0);
  CHECK(up >= ref - 1 && up < ref + 5);
  uv_loadavg(avg);
  CHECK_EQ(sysinfo(&si), 0);
  CHECK(avg[0] >= 0 && avg[1] >= 0 && avg[2] >= 0);
  CHECK(avg[2] < si.loads[2] / 65536.0 + 1 && avg[2] > si.loads[2] / 65536.0 - 1);
}

TEST(getrusage_reports_own_usage) {
  uv_rusage_t ru;
  struct rusage ref;
  volatile unsigned long spin = 0;
  while (spin < 20000000UL)
    spin++;
  CHECK_EQ(uv_getrusage(&ru), 0);
  CHECK_EQ(getrusage(RUSAGE_SELF, &ref), 0);
  CHECK(ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec > 0);
  CHECK(ru.ru_utime.tv_sec <= ref.ru_utime.tv_sec);
  CHECK(ru.ru_maxrss > 0 && ru.ru_maxrss <= (uint64_t)ref.ru_maxrss);
  CHECK(ru.ru_minflt > 0);
}

TEST(exepath_reads_proc_self_exe) {
  char buf[PATH_MAX], ref[PATH_MAX];
  size_t size = sizeof(buf);
  ssize_t n = readlink("/proc/self/exe", ref, sizeof(ref) - 1);
  CHECK(n > 0);
  ref[n] = '\0';
  CHECK_EQ(uv_exepath(buf, &size), 0);
  CHECK(strcmp(buf, ref) == 0);
  CHECK_EQ(size, n);
  /* Too small: cut short, not an error. */
  size = 5;
  CHECK_EQ(uv_exepath(buf, &size), 0);
  CHECK_EQ(size, 4);
  CHECK(strncmp(buf, ref, 4) == 0 && buf[4] == '\0');
  size = 0;
  CHECK_EQ(uv_exepath(buf, &size), UV_EINVAL);
  CHECK_EQ(uv_exepath(NULL, &size), UV_EINVAL);
}

/* Every size edge, as libuv's documentation and its Linux code give them:
 * a NULL buffer or size, or a size of 0, is UV_EINVAL; any other size
 * gets as much of the path as fits with its NUL, and *size says how much
 * was written without the NUL. A size of 1 writes only the NUL. */
TEST(exepath_truncates_to_every_buffer_size_and_refuses_empty_ones) {
  char buf[PATH_MAX], ref[PATH_MAX];
  size_t size, want;
  ssize_t n = readlink("/proc/self/exe", ref, sizeof(ref) - 1);
  CHECK(n > 1);
  ref[n] = '\0';
  for (want = 1; want <= (size_t)n + 2; want++) {
    memset(buf, 0x55, sizeof(buf));
    size = want;
    CHECK_EQ(uv_exepath(buf, &size), 0);
    if (want - 1 < (size_t)n) {
      CHECK_EQ(size, want - 1);
    } else {
      CHECK_EQ(size, n);
    }
    CHECK(strncmp(buf, ref, size) == 0);
    CHECK_EQ(buf[size], '\0');
    /* Nothing past the NUL was touched. */
    CHECK_EQ((unsigned char)buf[size + 1], 0x55);
  }
  size = 0;
  buf[0] = 'x';
  CHECK_EQ(uv_exepath(buf, &size), UV_EINVAL);
  CHECK_EQ(size, 0);
  CHECK_EQ(buf[0], 'x');
  size = sizeof(buf);
  CHECK_EQ(uv_exepath(NULL, &size), UV_EINVAL);
  CHECK_EQ(size, sizeof(buf));
  CHECK_EQ(uv_exepath(buf, NULL), UV_EINVAL);
}

TEST(cwd_and_chdir) {
  char buf[PATH_MAX], saved[PATH_MAX];
  size_t size = sizeof(saved);
  CHECK_EQ(uv_cwd(saved, &size), 0);
  CHECK_EQ(size, strlen(saved));
  CHECK_EQ(uv_chdir("/"), 0);
  size = sizeof(buf);
  CHECK_EQ(uv_cwd(buf, &size), 0);
  CHECK(strcmp(buf, "/") == 0);
  CHECK_EQ(size, 1);
  CHECK_EQ(uv_chdir("/usr/"), 0);
  size = 3;
  CHECK_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  CHECK_EQ(size, 5);
  size = sizeof(buf);
  CHECK_EQ(uv_cwd(buf, &size), 0);
  CHECK(strcmp(buf, "/usr") == 0);
  CHECK_EQ(uv_chdir("/no/such/dir"), UV_ENOENT);
  CHECK_EQ(uv_chdir(saved), 0);
  CHECK_EQ(uv_cwd(NULL, &size), UV_EINVAL);
}

TEST(process_title_uses_argv_memory) {
  static char mem[] = "prog\0arg1\0arg2";
  char* argv[] = {mem, mem + 5, mem + 10, NULL};
  char** copy;
  char buf[64];
  copy = uv_setup_args(3, argv);
  CHECK(copy != argv);
  CHECK(strcmp(copy[0], "prog") == 0 && strcmp(copy[2], "arg2") == 0);
  CHECK(copy[3] == NULL);
  CHECK_EQ(uv_get_process_title(buf, sizeof(buf)), 0);
  CHECK(strcmp(buf, "prog") == 0);
  CHECK_EQ(uv_get_process_title(buf, 4), UV_ENOBUFS);
  CHECK_EQ(uv_get_process_title(NULL, 4), UV_EINVAL);
  CHECK_EQ(uv_set_process_title("new-title"), 0);
  CHECK_EQ(uv_get_process_title(buf, sizeof(buf)), 0);
  CHECK(strcmp(buf, "new-title") == 0);
  CHECK(strcmp(mem, "new-title") == 0);
  /* Longer than the argv area (15 bytes): cut to fit. */
  CHECK_EQ(uv_set_process_title("0123456789abcdefghij"), 0);
  CHECK_EQ(uv_get_process_title(buf, sizeof(buf)), 0);
  CHECK(strcmp(buf, "0123456789abcd") == 0);
  /* The copy stays intact. */
  CHECK(strcmp(copy[1], "arg1") == 0);
}

TEST(kill_reports_errors) {
  CHECK_EQ(uv_kill(getpid(), 0), 0);
  CHECK_EQ(uv_kill(getpid(), -1), UV_EINVAL);
  CHECK_EQ(uv_kill(0x7ffffff0, 0), UV_ESRCH);
}

TEST(disable_stdio_inheritance_sets_cloexec) {
  int fds[2];
  CHECK_EQ(pipe(fds), 0);
  CHECK_EQ(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, 0);
  uv_disable_stdio_inheritance();
  CHECK(fcntl(0, F_GETFD) == -1 || (fcntl(0, F_GETFD) & FD_CLOEXEC));
  CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
  CHECK(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
  close(fds[0]);
  close(fds[1]);
}

HARNESS_MAIN
