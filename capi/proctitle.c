/* The process title: uv_setup_args moves argv out of the way so that the
 * memory the kernel gave the original argv strings (what ps and
 * /proc/self/cmdline show) can be overwritten with a title. */
#include "capi.h"
#include "internal.h"

#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>

static pthread_mutex_t title_mu = PTHREAD_MUTEX_INITIALIZER;
static char* title_str;   /* the original argv[0]: where the title is written */
static size_t title_len;  /* length of the current title */
static size_t title_cap;  /* bytes available from title_str, nul included */
static void* args_copy;   /* what uv_setup_args returned, freed at shutdown */

char** uv_setup_args(int argc, char** argv) {
  char** copy;
  char* strings;
  size_t total = 0, cap;
  int i;
  if (argc <= 0 || argv == NULL)
    return argv;
  for (i = 0; i < argc; i++)
    total += strlen(argv[i]) + 1;
  copy = gouv__malloc((argc + 1) * sizeof(char*) + total);
  if (copy == NULL)
    return argv;
  strings = (char*)(copy + argc + 1);
  for (i = 0; i < argc; i++) {
    size_t n = strlen(argv[i]) + 1;
    memcpy(strings, argv[i], n);
    copy[i] = strings;
    strings += n;
  }
  copy[argc] = NULL;
  /* The title may use argv[0] and every following string that sits right
   * after it in memory (the kernel lays them out back to back). */
  cap = strlen(argv[0]) + 1;
  for (i = 1; i < argc && argv[i] == argv[i - 1] + strlen(argv[i - 1]) + 1; i++)
    cap += strlen(argv[i]) + 1;
  pthread_mutex_lock(&title_mu);
  title_str = argv[0];
  title_len = strlen(argv[0]);
  title_cap = cap;
  args_copy = copy;
  pthread_mutex_unlock(&title_mu);
  return copy;
}

int uv_set_process_title(const char* title) {
  size_t len;
  pthread_mutex_lock(&title_mu);
  /* Without uv_setup_args there is no memory to write the title into:
   * UV_ENOBUFS, as libuv answers. */
  if (args_copy == NULL) {
    pthread_mutex_unlock(&title_mu);
    return UV_ENOBUFS;
  }
  pthread_mutex_unlock(&title_mu);
  if (title == NULL)
    return UV_EINVAL;
  len = strlen(title);
  pthread_mutex_lock(&title_mu);
  if (title_cap > 0) {
    if (len >= title_cap)
      len = title_cap - 1;
    memcpy(title_str, title, len);
    memset(title_str + len, 0, title_cap - len);
    title_len = len;
  }
  pthread_mutex_unlock(&title_mu);
  /* The thread name is what top and /proc/self/comm show (16 bytes). */
  prctl(PR_SET_NAME, title);
  return 0;
}

int uv_get_process_title(char* buffer, size_t size) {
  int r = 0;
  if (buffer == NULL || size == 0)
    return UV_EINVAL;
  pthread_mutex_lock(&title_mu);
  if (args_copy == NULL || size <= title_len) {
    r = UV_ENOBUFS; /* no uv_setup_args yet, or a buffer too small */
  } else {
    if (title_len > 0)
      memcpy(buffer, title_str, title_len);
    buffer[title_len] = '\0';
  }
  pthread_mutex_unlock(&title_mu);
  return r;
}

/* gouv_proctitle_shutdown releases the argv copy (uv_library_shutdown). */
void gouv_proctitle_shutdown(void) {
  pthread_mutex_lock(&title_mu);
  /* The host may still use the array uv_setup_args returned until it
   * calls uv_library_shutdown; after that it is ours to free. */
  gouv__free(args_copy);
  args_copy = NULL;
  title_str = NULL;
  title_len = 0;
  title_cap = 0;
  pthread_mutex_unlock(&title_mu);
}
