/* gouv: threads and synchronisation primitives over pthreads.
 *
 * The uv_* thread types are the pthread types themselves (see uv/unix.h), so
 * each function is a thin wrapper that maps errors the way libuv does:
 * init and try functions return a UV_E* code, and functions that return void
 * abort() on an error, because such an error means a corrupt or misused lock
 * and there is no way to report it. None of this crosses into Go. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "uv.h"
#include "internal.h"

/* The smallest stack we hand to pthread_attr_setstacksize(). Some libcs
 * define PTHREAD_STACK_MIN as low as 2 KiB, too little to take a signal on,
 * so libuv never goes below 8 KiB. */
static size_t gouv__min_stack_size(void) {
  size_t min = 8192;

#ifdef PTHREAD_STACK_MIN
  if ((size_t) PTHREAD_STACK_MIN > min)
    min = (size_t) PTHREAD_STACK_MIN;
#endif
  return min;
}

/* The stack size of threads created without an explicit one: the soft
 * RLIMIT_STACK, like the main thread's, rounded down to whole pages. When
 * that limit is unknown, unlimited or too small, 2 MiB (glibc's own default
 * for an unlimited limit) is used instead. */
static size_t gouv__default_stack_size(void) {
  struct rlimit lim;
  size_t size;

  if (getrlimit(RLIMIT_STACK, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
    return 2u << 20;

  size = (size_t) lim.rlim_cur;
  size -= size % (size_t) getpagesize();
  if (size < gouv__min_stack_size())
    return 2u << 20;
  return size;
}

/* uv_thread_cb returns void while pthread_create wants a function returning
 * void*; calling one through the other's type is undefined, so each thread
 * starts in this trampoline. The block is libc's, not the replaceable
 * allocator's: it never reaches the host, and libuv makes no allocation here
 * that a counting allocator could see. */
struct gouv__thread_start {
  uv_thread_cb entry;
  void* arg;
};

static void* gouv__thread_main(void* p) {
  struct gouv__thread_start start;

  start = *(struct gouv__thread_start*) p;
  free(p);
  start.entry(start.arg);
  return NULL;
}

int uv_thread_create(uv_thread_t* tid, uv_thread_cb entry, void* arg) {
  uv_thread_options_t params;

  params.flags = UV_THREAD_NO_FLAGS;
  params.stack_size = 0;
  return uv_thread_create_ex(tid, &params, entry, arg);
}

int uv_thread_create_ex(uv_thread_t* tid,
                        const uv_thread_options_t* params,
                        uv_thread_cb entry,
                        void* arg) {
  struct gouv__thread_start* start;
  pthread_attr_t attr;
  size_t pagesize;
  size_t stack_size;
  int err;

  stack_size = 0;
  if (params->flags & UV_THREAD_HAS_STACK_SIZE)
    stack_size = params->stack_size;

  if (stack_size == 0) {
    stack_size = gouv__default_stack_size();
  } else {
    /* pthread_attr_setstacksize() wants whole pages and at least the
     * minimum, so a host's odd size is rounded up rather than refused. */
    pagesize = (size_t) getpagesize();
    stack_size = (stack_size + pagesize - 1) & ~(pagesize - 1);
    if (stack_size < gouv__min_stack_size())
      stack_size = gouv__min_stack_size();
  }

  start = malloc(sizeof(*start));
  if (start == NULL)
    return UV_ENOMEM;
  start->entry = entry;
  start->arg = arg;

  if (pthread_attr_init(&attr) != 0)
    abort();
  if (pthread_attr_setstacksize(&attr, stack_size) != 0)
    abort();
  err = pthread_create(tid, &attr, gouv__thread_main, start);
  pthread_attr_destroy(&attr);

  if (err != 0)
    free(start);
  return -err;
}

uv_thread_t uv_thread_self(void) {
  return pthread_self();
}

int uv_thread_join(uv_thread_t* tid) {
  return -pthread_join(*tid, NULL);
}

int uv_thread_equal(const uv_thread_t* t1, const uv_thread_t* t2) {
  return pthread_equal(*t1, *t2);
}

/* libuv 1.45-1.50's thread calls: detach, affinity, the CPU, names and
 * priorities. */

int uv_thread_detach(uv_thread_t* tid) {
  return -pthread_detach(*tid);
}

/* One byte per CPU in a mask: as many as a cpu_set_t holds. */
int uv_cpumask_size(void) {
  return CPU_SETSIZE;
}

int uv_thread_getaffinity(uv_thread_t* tid, char* cpumask, size_t mask_size) {
  cpu_set_t set;
  int i;
  int r;
  if (tid == NULL || cpumask == NULL || mask_size < (size_t)CPU_SETSIZE)
    return UV_EINVAL;
  CPU_ZERO(&set);
  r = pthread_getaffinity_np(*tid, sizeof(set), &set);
  if (r != 0)
    return -r;
  for (i = 0; i < CPU_SETSIZE; i++)
    cpumask[i] = CPU_ISSET(i, &set) ? 1 : 0;
  return 0;
}

int uv_thread_setaffinity(uv_thread_t* tid, char* cpumask, char* oldmask,
                          size_t mask_size) {
  cpu_set_t set;
  int i;
  int r;
  if (tid == NULL || cpumask == NULL || mask_size < (size_t)CPU_SETSIZE)
    return UV_EINVAL;
  if (oldmask != NULL) {
    r = uv_thread_getaffinity(tid, oldmask, mask_size);
    if (r != 0)
      return r;
  }
  CPU_ZERO(&set);
  for (i = 0; i < CPU_SETSIZE; i++)
    if (cpumask[i] != 0)
      CPU_SET(i, &set);
  return -pthread_setaffinity_np(*tid, sizeof(set), &set);
}

int uv_thread_getcpu(void) {
  int cpu = sched_getcpu();
  return cpu < 0 ? -errno : cpu;
}

/* Linux keeps 16 bytes of a thread's name, its NUL included: a longer
 * name is cut to 15 bytes rather than refused. */
#define GOUV__THREAD_NAME_MAX 16

int uv_thread_setname(const char* name) {
  char buf[GOUV__THREAD_NAME_MAX];
  if (name == NULL)
    return UV_EINVAL;
  strncpy(buf, name, sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
  return -pthread_setname_np(pthread_self(), buf);
}

int uv_thread_getname(uv_thread_t* tid, char* name, size_t size) {
  char buf[GOUV__THREAD_NAME_MAX];
  int r;
  if (tid == NULL || name == NULL || size == 0)
    return UV_EINVAL;
  r = pthread_getname_np(*tid, buf, sizeof(buf));
  if (r != 0)
    return -r;
  /* A buffer too small gets as much of the name as fits, NUL-terminated. */
  strncpy(name, buf, size - 1);
  name[size - 1] = '\0';
  return 0;
}

/* Under SCHED_OTHER a thread's priority is its nice value: the calling
 * thread's is read and set with get/setpriority on its thread id, two nice
 * steps per priority step (HIGHEST is nice -4, LOWEST nice 4). Other
 * threads, and real-time policies, map the five priorities onto the
 * policy's range of scheduling priorities. */
int uv_thread_getpriority(uv_thread_t tid, int* priority) {
  struct sched_param param;
  int policy;
  int r;
  if (priority == NULL)
    return UV_EINVAL;
  r = pthread_getschedparam(tid, &policy, &param);
  if (r != 0)
    return -r;
  if (policy == SCHED_OTHER && pthread_equal(tid, pthread_self())) {
    errno = 0;
    r = getpriority(PRIO_PROCESS, (id_t)gettid());
    if (r == -1 && errno != 0)
      return -errno;
    *priority = r;
    return 0;
  }
  *priority = param.sched_priority;
  return 0;
}

int uv_thread_setpriority(uv_thread_t tid, int priority) {
  struct sched_param param;
  int policy;
  int lo;
  int hi;
  int want;
  int r;
  if (priority < UV_THREAD_PRIORITY_LOWEST || priority > UV_THREAD_PRIORITY_HIGHEST)
    return UV_EINVAL;
  r = pthread_getschedparam(tid, &policy, &param);
  if (r != 0)
    return -r;
  if (policy == SCHED_OTHER && pthread_equal(tid, pthread_self())) {
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), -2 * priority) != 0)
      return -errno;
    return 0;
  }
  lo = sched_get_priority_min(policy);
  hi = sched_get_priority_max(policy);
  if (lo == -1 || hi == -1)
    return -errno;
  switch (priority) {
  case UV_THREAD_PRIORITY_HIGHEST: want = hi; break;
  case UV_THREAD_PRIORITY_ABOVE_NORMAL: want = lo + (hi - lo) * 3 / 4; break;
  case UV_THREAD_PRIORITY_NORMAL: want = lo + (hi - lo) / 2; break;
  case UV_THREAD_PRIORITY_BELOW_NORMAL: want = lo + (hi - lo) / 4; break;
  default: want = lo; break;
  }
  if (param.sched_priority == want)
    return 0;
  param.sched_priority = want;
  return -pthread_setschedparam(tid, policy, &param);
}

/* Mutexes. */

int uv_mutex_init(uv_mutex_t* mutex) {
  return -pthread_mutex_init(mutex, NULL);
}

int uv_mutex_init_recursive(uv_mutex_t* mutex) {
  pthread_mutexattr_t attr;
  int err;

  if (pthread_mutexattr_init(&attr) != 0)
    abort();
  if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0)
    abort();
  err = pthread_mutex_init(mutex, &attr);
  if (pthread_mutexattr_destroy(&attr) != 0)
    abort();
  return -err;
}

void uv_mutex_destroy(uv_mutex_t* mutex) {
  if (pthread_mutex_destroy(mutex) != 0)
    abort();
}

void uv_mutex_lock(uv_mutex_t* mutex) {
  if (pthread_mutex_lock(mutex) != 0)
    abort();
}

int uv_mutex_trylock(uv_mutex_t* mutex) {
  int err;

  err = pthread_mutex_trylock(mutex);
  if (err == 0)
    return 0;
  /* EAGAIN is a recursive mutex whose count would overflow: still busy. */
  if (err != EBUSY && err != EAGAIN)
    abort();
  return UV_EBUSY;
}

void uv_mutex_unlock(uv_mutex_t* mutex) {
  if (pthread_mutex_unlock(mutex) != 0)
    abort();
}

/* Read-write locks. */

int uv_rwlock_init(uv_rwlock_t* rwlock) {
  return -pthread_rwlock_init(rwlock, NULL);
}

void uv_rwlock_destroy(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_destroy(rwlock) != 0)
    abort();
}

void uv_rwlock_rdlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_rdlock(rwlock) != 0)
    abort();
}

int uv_rwlock_tryrdlock(uv_rwlock_t* rwlock) {
  int err;

  err = pthread_rwlock_tryrdlock(rwlock);
  if (err == 0)
    return 0;
  /* EAGAIN: the maximum number of readers is reached, which is busy too. */
  if (err != EBUSY && err != EAGAIN)
    abort();
  return UV_EBUSY;
}

void uv_rwlock_rdunlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_unlock(rwlock) != 0)
    abort();
}

void uv_rwlock_wrlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_wrlock(rwlock) != 0)
    abort();
}

int uv_rwlock_trywrlock(uv_rwlock_t* rwlock) {
  int err;

  err = pthread_rwlock_trywrlock(rwlock);
  if (err == 0)
    return 0;
  if (err != EBUSY && err != EAGAIN)
    abort();
  return UV_EBUSY;
}

void uv_rwlock_wrunlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_unlock(rwlock) != 0)
    abort();
}

/* Semaphores. libuv carries a mutex-and-condition semaphore for glibc
 * before 2.21, whose sem_post could lose wakeups; the glibc we target is far
 * newer, so the POSIX semaphore is used as it is. */

int uv_sem_init(uv_sem_t* sem, unsigned int value) {
  if (sem_init(sem, 0, value) != 0)
    return -errno;
  return 0;
}

void uv_sem_destroy(uv_sem_t* sem) {
  if (sem_destroy(sem) != 0)
    abort();
}

void uv_sem_post(uv_sem_t* sem) {
  if (sem_post(sem) != 0)
    abort();
}

void uv_sem_wait(uv_sem_t* sem) {
  int r;

  /* A signal (Go's SIGURG preemption among them) interrupts sem_wait even
   * with SA_RESTART, so the wait is resumed by hand. */
  do
    r = sem_wait(sem);
  while (r == -1 && errno == EINTR);

  if (r != 0)
    abort();
}

int uv_sem_trywait(uv_sem_t* sem) {
  int r;

  do
    r = sem_trywait(sem);
  while (r == -1 && errno == EINTR);

  if (r == 0)
    return 0;
  if (errno != EAGAIN)
    abort();
  return UV_EAGAIN;
}

/* Condition variables. They measure timeouts on CLOCK_MONOTONIC, the clock
 * of uv_hrtime(), so that setting the wall clock cannot stretch or cut short
 * a uv_cond_timedwait(). */

int uv_cond_init(uv_cond_t* cond) {
  pthread_condattr_t attr;
  int err;

  err = pthread_condattr_init(&attr);
  if (err != 0)
    return -err;

  err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (err != 0)
    goto fail;

  err = pthread_cond_init(cond, &attr);
  if (err != 0)
    goto fail;

  err = pthread_condattr_destroy(&attr);
  if (err != 0) {
    pthread_cond_destroy(cond);
    goto fail;
  }
  return 0;

fail:
  pthread_condattr_destroy(&attr);
  return -err;
}

void uv_cond_destroy(uv_cond_t* cond) {
  if (pthread_cond_destroy(cond) != 0)
    abort();
}

void uv_cond_signal(uv_cond_t* cond) {
  if (pthread_cond_signal(cond) != 0)
    abort();
}

void uv_cond_broadcast(uv_cond_t* cond) {
  if (pthread_cond_broadcast(cond) != 0)
    abort();
}

void uv_cond_wait(uv_cond_t* cond, uv_mutex_t* mutex) {
  if (pthread_cond_wait(cond, mutex) != 0)
    abort();
}

int uv_cond_timedwait(uv_cond_t* cond, uv_mutex_t* mutex, uint64_t timeout) {
  struct timespec ts;
  uint64_t deadline;
  int err;

  /* The timeout is relative, in nanoseconds; pthread wants an absolute
   * deadline on the condition's clock. */
  deadline = uv_hrtime() + timeout;
  ts.tv_sec = (time_t) (deadline / 1000000000u);
  ts.tv_nsec = (long) (deadline % 1000000000u);

  err = pthread_cond_timedwait(cond, mutex, &ts);
  if (err == 0)
    return 0;
  if (err == ETIMEDOUT)
    return UV_ETIMEDOUT;
  abort();
}

/* Barriers. */

int uv_barrier_init(uv_barrier_t* barrier, unsigned int count) {
  return -pthread_barrier_init(barrier, NULL, count);
}

void uv_barrier_destroy(uv_barrier_t* barrier) {
  if (pthread_barrier_destroy(barrier) != 0)
    abort();
}

int uv_barrier_wait(uv_barrier_t* barrier) {
  int r;

  /* Exactly one waiter gets PTHREAD_BARRIER_SERIAL_THREAD; libuv reports it
   * as 1 so that thread can, for instance, destroy the barrier. */
  r = pthread_barrier_wait(barrier);
  if (r != 0 && r != PTHREAD_BARRIER_SERIAL_THREAD)
    abort();
  return r == PTHREAD_BARRIER_SERIAL_THREAD;
}

/* Once and thread-local keys. */

void uv_once(uv_once_t* guard, void (*callback)(void)) {
  if (pthread_once(guard, callback) != 0)
    abort();
}

int uv_key_create(uv_key_t* key) {
  return -pthread_key_create(key, NULL);
}

void uv_key_delete(uv_key_t* key) {
  if (pthread_key_delete(*key) != 0)
    abort();
}

void* uv_key_get(uv_key_t* key) {
  return pthread_getspecific(*key);
}

void uv_key_set(uv_key_t* key, void* value) {
  if (pthread_setspecific(*key, value) != 0)
    abort();
}
