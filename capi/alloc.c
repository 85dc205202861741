/* gouv: the replaceable allocator behind uv_replace_allocator().
 *
 * The four function pointers start as libc's and may be swapped once by the
 * host, before it uses the library (libuv's contract: replacing them while
 * blocks are live or other threads allocate is the host's problem). They are
 * plain globals for that reason; a lock here would tax every allocation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uv.h"
#include "internal.h"

static uv_malloc_func gouv__malloc_fn = malloc;
static uv_realloc_func gouv__realloc_fn = realloc;
static uv_calloc_func gouv__calloc_fn = calloc;
static uv_free_func gouv__free_fn = free;

int uv_replace_allocator(uv_malloc_func malloc_func,
                         uv_realloc_func realloc_func,
                         uv_calloc_func calloc_func,
                         uv_free_func free_func) {
  /* All four or none: a partial set would pair one allocator's blocks with
   * another's free. */
  if (malloc_func == NULL || realloc_func == NULL || calloc_func == NULL ||
      free_func == NULL)
    return UV_EINVAL;

  gouv__malloc_fn = malloc_func;
  gouv__realloc_fn = realloc_func;
  gouv__calloc_fn = calloc_func;
  gouv__free_fn = free_func;
  return 0;
}

void* gouv__malloc(size_t size) {
  /* libuv never asks the host's allocator for zero bytes, whose result is
   * implementation-defined; callers treat NULL as "nothing allocated". */
  if (size > 0)
    return gouv__malloc_fn(size);
  return NULL;
}

void* gouv__calloc(size_t count, size_t size) {
  return gouv__calloc_fn(count, size);
}

void* gouv__realloc(void* ptr, size_t size) {
  if (size > 0)
    return gouv__realloc_fn(ptr, size);
  gouv__free(ptr);
  return NULL;
}

void gouv__free(void* ptr) {
  int saved_errno;

  /* Callers free on error paths after a failed system call and then return
   * -errno; a host free() that touches errno must not change that answer. */
  saved_errno = errno;
  gouv__free_fn(ptr);
  errno = saved_errno;
}

char* gouv__strdup(const char* s) {
  size_t len;
  char* copy;

  len = strlen(s) + 1;
  copy = gouv__malloc(len);
  if (copy == NULL)
    return NULL;
  return memcpy(copy, s, len);
}
