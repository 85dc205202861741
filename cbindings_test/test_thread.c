/* Threads and synchronisation primitives: uv_thread_*, uv_mutex_*,
 * uv_rwlock_*, uv_sem_*, uv_cond_*, uv_barrier_*, uv_once and uv_key_*.
 * Every primitive is exercised from several threads at once, because a lock
 * that only ever meets one thread proves nothing. */
#define _GNU_SOURCE
#include <pthread.h>
#include <uv.h>

#include "harness.h"

#define NTHREADS 4
#define NINCREMENTS 100000

static void run_threads(int n, uv_thread_cb fn, void* arg) {
  uv_thread_t tids[16];
  int i;

  CHECK(n <= 16);
  for (i = 0; i < n; i++)
    CHECK_EQ(uv_thread_create(&tids[i], fn, arg), 0);
  for (i = 0; i < n; i++)
    CHECK_EQ(uv_thread_join(&tids[i]), 0);
}

/* Mutexes. */

struct counter {
  uv_mutex_t mutex;
  long value;
};

static void increment_locked(void* arg) {
  struct counter* c = arg;
  int i;

  for (i = 0; i < NINCREMENTS; i++) {
    uv_mutex_lock(&c->mutex);
    c->value++;
    uv_mutex_unlock(&c->mutex);
  }
}

TEST(mutex_serialises_four_threads_incrementing_one_counter) {
  struct counter c;

  CHECK_EQ(uv_mutex_init(&c.mutex), 0);
  c.value = 0;
  run_threads(NTHREADS, increment_locked, &c);
  CHECK_EQ(c.value, (long) NTHREADS * NINCREMENTS);
  uv_mutex_destroy(&c.mutex);
}

static void trylock_expect_busy(void* arg) {
  CHECK_EQ(uv_mutex_trylock(arg), UV_EBUSY);
}

static void trylock_expect_free(void* arg) {
  CHECK_EQ(uv_mutex_trylock(arg), 0);
  uv_mutex_unlock(arg);
}

TEST(mutex_trylock_is_busy_while_another_thread_holds_it) {
  uv_mutex_t m;

  CHECK_EQ(uv_mutex_init(&m), 0);
  uv_mutex_lock(&m);
  run_threads(1, trylock_expect_busy, &m);
  uv_mutex_unlock(&m);
  run_threads(1, trylock_expect_free, &m);
  uv_mutex_destroy(&m);
}

TEST(recursive_mutex_is_held_until_unlocked_as_often_as_locked) {
  uv_mutex_t m;

  CHECK_EQ(uv_mutex_init_recursive(&m), 0);
  uv_mutex_lock(&m);
  uv_mutex_lock(&m);
  CHECK_EQ(uv_mutex_trylock(&m), 0); /* the owner may take it again */
  uv_mutex_unlock(&m);
  uv_mutex_unlock(&m);
  run_threads(1, trylock_expect_busy, &m); /* one level still held */
  uv_mutex_unlock(&m);
  run_threads(1, trylock_expect_free, &m);
  uv_mutex_destroy(&m);
}

static void increment_recursively(void* arg) {
  struct counter* c = arg;
  int i;

  for (i = 0; i < NINCREMENTS / 10; i++) {
    uv_mutex_lock(&c->mutex);
    uv_mutex_lock(&c->mutex);
    c->value++;
    uv_mutex_unlock(&c->mutex);
    uv_mutex_unlock(&c->mutex);
  }
}

TEST(recursive_mutex_serialises_threads_under_contention) {
  struct counter c;

  CHECK_EQ(uv_mutex_init_recursive(&c.mutex), 0);
  c.value = 0;
  run_threads(NTHREADS, increment_recursively, &c);
  CHECK_EQ(c.value, (long) NTHREADS * (NINCREMENTS / 10));
  uv_mutex_destroy(&c.mutex);
}

/* Read-write locks. */

struct rw_state {
  uv_rwlock_t lock;
  uv_sem_t held;     /* posted by a reader once it holds the lock */
  uv_sem_t release;  /* posted by the main thread to let it go */
  long a, b;         /* written together, must always be seen equal */
  int stop;
};

static void reader_holds_until_released(void* arg) {
  struct rw_state* s = arg;

  uv_rwlock_rdlock(&s->lock);
  uv_sem_post(&s->held);
  uv_sem_wait(&s->release);
  uv_rwlock_rdunlock(&s->lock);
}

TEST(rwlock_admits_readers_together_and_keeps_writers_out) {
  struct rw_state s;
  uv_thread_t t;

  CHECK_EQ(uv_rwlock_init(&s.lock), 0);
  CHECK_EQ(uv_sem_init(&s.held, 0), 0);
  CHECK_EQ(uv_sem_init(&s.release, 0), 0);

  CHECK_EQ(uv_thread_create(&t, reader_holds_until_released, &s), 0);
  uv_sem_wait(&s.held);

  /* Another reader gets in while the first one holds the lock... */
  CHECK_EQ(uv_rwlock_tryrdlock(&s.lock), 0);
  uv_rwlock_rdunlock(&s.lock);
  /* ...and a writer does not. */
  CHECK_EQ(uv_rwlock_trywrlock(&s.lock), UV_EBUSY);

  uv_sem_post(&s.release);
  CHECK_EQ(uv_thread_join(&t), 0);

  CHECK_EQ(uv_rwlock_trywrlock(&s.lock), 0);
  uv_rwlock_wrunlock(&s.lock);

  uv_sem_destroy(&s.held);
  uv_sem_destroy(&s.release);
  uv_rwlock_destroy(&s.lock);
}

static void try_both_expect_busy(void* arg) {
  struct rw_state* s = arg;

  CHECK_EQ(uv_rwlock_tryrdlock(&s->lock), UV_EBUSY);
  CHECK_EQ(uv_rwlock_trywrlock(&s->lock), UV_EBUSY);
}

TEST(rwlock_writer_excludes_readers_and_writers) {
  struct rw_state s;

  CHECK_EQ(uv_rwlock_init(&s.lock), 0);
  uv_rwlock_wrlock(&s.lock);
  run_threads(2, try_both_expect_busy, &s);
  uv_rwlock_wrunlock(&s.lock);
  uv_rwlock_destroy(&s.lock);
}

static void rw_writer(void* arg) {
  struct rw_state* s = arg;
  int i;

  for (i = 0; i < NINCREMENTS / 10; i++) {
    uv_rwlock_wrlock(&s->lock);
    s->a++;
    s->b++;
    uv_rwlock_wrunlock(&s->lock);
  }
}

static void rw_reader(void* arg) {
  struct rw_state* s = arg;
  int stop;

  do {
    uv_rwlock_rdlock(&s->lock);
    CHECK_EQ(s->a, s->b);
    stop = s->stop;
    uv_rwlock_rdunlock(&s->lock);
  } while (!stop);
}

TEST(rwlock_readers_never_see_a_half_finished_write) {
  struct rw_state s;
  uv_thread_t readers[2];
  uv_thread_t writers[2];
  int i;

  CHECK_EQ(uv_rwlock_init(&s.lock), 0);
  s.a = s.b = 0;
  s.stop = 0;
  for (i = 0; i < 2; i++)
    CHECK_EQ(uv_thread_create(&readers[i], rw_reader, &s), 0);
  for (i = 0; i < 2; i++)
    CHECK_EQ(uv_thread_create(&writers[i], rw_writer, &s), 0);
  for (i = 0; i < 2; i++)
    CHECK_EQ(uv_thread_join(&writers[i]), 0);

  uv_rwlock_wrlock(&s.lock);
  s.stop = 1;
  uv_rwlock_wrunlock(&s.lock);
  for (i = 0; i < 2; i++)
    CHECK_EQ(uv_thread_join(&readers[i]), 0);

  CHECK_EQ(s.a, 2L * (NINCREMENTS / 10));
  CHECK_EQ(s.b, 2L * (NINCREMENTS / 10));
  uv_rwlock_destroy(&s.lock);
}

/* Semaphores. */

#define NITEMS 10000
#define RING 16

struct ring {
  uv_sem_t free_slots;
  uv_sem_t full_slots;
  int items[RING];
  long sum;
};

static void producer(void* arg) {
  struct ring* r = arg;
  int i;

  for (i = 1; i <= NITEMS; i++) {
    uv_sem_wait(&r->free_slots);
    r->items[i % RING] = i;
    uv_sem_post(&r->full_slots);
  }
}

static void consumer(void* arg) {
  struct ring* r = arg;
  int i;

  for (i = 1; i <= NITEMS; i++) {
    uv_sem_wait(&r->full_slots);
    CHECK_EQ(r->items[i % RING], i); /* items arrive in order, none lost */
    r->sum += r->items[i % RING];
    uv_sem_post(&r->free_slots);
  }
}

TEST(sem_hands_items_from_producer_to_consumer_in_order) {
  struct ring r;
  uv_thread_t p, c;

  CHECK_EQ(uv_sem_init(&r.free_slots, RING), 0);
  CHECK_EQ(uv_sem_init(&r.full_slots, 0), 0);
  r.sum = 0;
  CHECK_EQ(uv_thread_create(&c, consumer, &r), 0);
  CHECK_EQ(uv_thread_create(&p, producer, &r), 0);
  CHECK_EQ(uv_thread_join(&p), 0);
  CHECK_EQ(uv_thread_join(&c), 0);
  CHECK_EQ(r.sum, (long) NITEMS * (NITEMS + 1) / 2);
  uv_sem_destroy(&r.free_slots);
  uv_sem_destroy(&r.full_slots);
}

TEST(sem_trywait_is_eagain_at_zero_and_takes_a_unit_otherwise) {
  uv_sem_t s;

  CHECK_EQ(uv_sem_init(&s, 0), 0);
  CHECK_EQ(uv_sem_trywait(&s), UV_EAGAIN);
  uv_sem_post(&s);
  uv_sem_post(&s);
  CHECK_EQ(uv_sem_trywait(&s), 0);
  CHECK_EQ(uv_sem_trywait(&s), 0);
  CHECK_EQ(uv_sem_trywait(&s), UV_EAGAIN);
  uv_sem_destroy(&s);
}

/* Condition variables. */

struct gate {
  uv_mutex_t mutex;
  uv_cond_t cond;
  int open;
  int waiting;
  int woken;
};

static void wait_for_gate(void* arg) {
  struct gate* g = arg;

  uv_mutex_lock(&g->mutex);
  g->waiting++;
  uv_cond_broadcast(&g->cond); /* tell the main thread we are waiting */
  while (!g->open)
    uv_cond_wait(&g->cond, &g->mutex);
  g->woken++;
  uv_mutex_unlock(&g->mutex);
}

static void gate_init(struct gate* g) {
  CHECK_EQ(uv_mutex_init(&g->mutex), 0);
  CHECK_EQ(uv_cond_init(&g->cond), 0);
  g->open = 0;
  g->waiting = 0;
  g->woken = 0;
}

static void gate_wait_for_waiters(struct gate* g, int n) {
  while (g->waiting < n)
    uv_cond_wait(&g->cond, &g->mutex);
}

TEST(cond_signal_wakes_a_waiting_thread) {
  struct gate g;
  uv_thread_t t;

  gate_init(&g);
  CHECK_EQ(uv_thread_create(&t, wait_for_gate, &g), 0);
  uv_mutex_lock(&g.mutex);
  gate_wait_for_waiters(&g, 1);
  g.open = 1;
  uv_cond_signal(&g.cond);
  uv_mutex_unlock(&g.mutex);
  CHECK_EQ(uv_thread_join(&t), 0);
  CHECK_EQ(g.woken, 1);
  uv_cond_destroy(&g.cond);
  uv_mutex_destroy(&g.mutex);
}

TEST(cond_broadcast_wakes_every_waiting_thread) {
  struct gate g;
  uv_thread_t t[NTHREADS];
  int i;

  gate_init(&g);
  for (i = 0; i < NTHREADS; i++)
    CHECK_EQ(uv_thread_create(&t[i], wait_for_gate, &g), 0);
  uv_mutex_lock(&g.mutex);
  gate_wait_for_waiters(&g, NTHREADS);
  g.open = 1;
  uv_cond_broadcast(&g.cond);
  uv_mutex_unlock(&g.mutex);
  for (i = 0; i < NTHREADS; i++)
    CHECK_EQ(uv_thread_join(&t[i]), 0);
  CHECK_EQ(g.woken, NTHREADS);
  uv_cond_destroy(&g.cond);
  uv_mutex_destroy(&g.mutex);
}

TEST(cond_timedwait_times_out_after_the_relative_timeout) {
  const uint64_t timeout = 50 * 1000 * 1000; /* 50 ms, in nanoseconds */
  uv_mutex_t m;
  uv_cond_t c;
  uint64_t start, elapsed;
  int r;

  CHECK_EQ(uv_mutex_init(&m), 0);
  CHECK_EQ(uv_cond_init(&c), 0);
  uv_mutex_lock(&m);
  start = uv_hrtime();
  /* Spurious wakeups are allowed: wait again until the timeout is reported. */
  do
    r = uv_cond_timedwait(&c, &m, timeout);
  while (r == 0);
  elapsed = uv_hrtime() - start;
  uv_mutex_unlock(&m);

  CHECK_EQ(r, UV_ETIMEDOUT);
  CHECK(elapsed >= timeout);
  CHECK(elapsed < 10 * timeout);
  uv_cond_destroy(&c);
  uv_mutex_destroy(&m);
}

static void open_gate_later(void* arg) {
  struct gate* g = arg;

  uv_sleep(10);
  uv_mutex_lock(&g->mutex);
  g->open = 1;
  uv_cond_signal(&g->cond);
  uv_mutex_unlock(&g->mutex);
}

TEST(cond_timedwait_returns_zero_when_signalled_in_time) {
  struct gate g;
  uv_thread_t t;
  int r;

  gate_init(&g);
  uv_mutex_lock(&g.mutex);
  CHECK_EQ(uv_thread_create(&t, open_gate_later, &g), 0);
  r = 0;
  while (!g.open && r == 0)
    r = uv_cond_timedwait(&g.cond, &g.mutex, (uint64_t) 10 * 1000 * 1000 * 1000);
  uv_mutex_unlock(&g.mutex);
  CHECK_EQ(r, 0);
  CHECK_EQ(g.open, 1);
  CHECK_EQ(uv_thread_join(&t), 0);
  uv_cond_destroy(&g.cond);
  uv_mutex_destroy(&g.mutex);
}

/* Barriers. */

struct barrier_state {
  uv_barrier_t barrier;
  uv_mutex_t mutex;
  int arrived;
  int serial;
  int after;  /* threads past the barrier that saw everyone arrive */
};

static void barrier_worker(void* arg) {
  struct barrier_state* s = arg;
  int r;

  uv_mutex_lock(&s->mutex);
  s->arrived++;
  uv_mutex_unlock(&s->mutex);

  r = uv_barrier_wait(&s->barrier);
  CHECK(r >= 0);

  uv_mutex_lock(&s->mutex);
  if (r > 0)
    s->serial++;
  if (s->arrived == NTHREADS)
    s->after++;
  uv_mutex_unlock(&s->mutex);
}

TEST(barrier_releases_four_threads_together_with_one_serial_thread) {
  struct barrier_state s;
  int round;

  /* Several rounds: a barrier is reusable once every waiter has left it. */
  for (round = 0; round < 10; round++) {
    CHECK_EQ(uv_barrier_init(&s.barrier, NTHREADS), 0);
    CHECK_EQ(uv_mutex_init(&s.mutex), 0);
    s.arrived = s.serial = s.after = 0;
    run_threads(NTHREADS, barrier_worker, &s);
    CHECK_EQ(s.serial, 1);
    CHECK_EQ(s.after, NTHREADS);
    uv_mutex_destroy(&s.mutex);
    uv_barrier_destroy(&s.barrier);
  }
}

TEST(barrier_init_with_zero_count_is_einval) {
  uv_barrier_t b;

  CHECK_EQ(uv_barrier_init(&b, 0), UV_EINVAL);
}

/* Once. */

static uv_once_t once_guard = UV_ONCE_INIT;
static int once_calls;
static uv_barrier_t once_start;

static void once_callback(void) {
  once_calls++;
}

static void once_worker(void* arg) {
  (void) arg;
  uv_barrier_wait(&once_start); /* all threads race into uv_once together */
  uv_once(&once_guard, once_callback);
  CHECK_EQ(once_calls, 1); /* and none returns before the callback ran */
}

TEST(once_runs_the_callback_exactly_once_across_eight_threads) {
  CHECK_EQ(uv_barrier_init(&once_start, 8), 0);
  run_threads(8, once_worker, NULL);
  uv_once(&once_guard, once_callback);
  CHECK_EQ(once_calls, 1);
  uv_barrier_destroy(&once_start);
}

/* Thread-local keys. */

static uv_key_t tls_key;

static void key_worker(void* arg) {
  int mine;

  CHECK(uv_key_get(&tls_key) == NULL); /* a new thread starts with NULL */
  uv_key_set(&tls_key, &mine);
  uv_sleep(5); /* let the other threads set theirs */
  CHECK(uv_key_get(&tls_key) == &mine);
  (void) arg;
}

TEST(key_holds_a_separate_value_in_each_thread) {
  int main_value;

  CHECK_EQ(uv_key_create(&tls_key), 0);
  CHECK(uv_key_get(&tls_key) == NULL);
  uv_key_set(&tls_key, &main_value);
  run_threads(NTHREADS, key_worker, NULL);
  CHECK(uv_key_get(&tls_key) == &main_value);
  uv_key_set(&tls_key, NULL);
  CHECK(uv_key_get(&tls_key) == NULL);
  uv_key_delete(&tls_key);
}

/* Threads. */

struct stack_probe {
  size_t stack_size;
  int ran;
};

static void measure_stack(void* arg) {
  struct stack_probe* p = arg;
  pthread_attr_t attr;
  char big[64 * 1024];

  /* Touch a good part of the stack to prove it is really there. */
  memset(big, 0x5a, sizeof(big));
  CHECK_EQ(big[sizeof(big) - 1], 0x5a);

  CHECK_EQ(pthread_getattr_np(pthread_self(), &attr), 0);
  CHECK_EQ(pthread_attr_getstacksize(&attr, &p->stack_size), 0);
  pthread_attr_destroy(&attr);
  p->ran = 1;
}

TEST(thread_create_ex_gives_the_thread_the_requested_stack_size) {
  uv_thread_options_t opts;
  struct stack_probe p;
  uv_thread_t t;

  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = 1024 * 1024 + 1; /* not a whole number of pages */
  p.ran = 0;
  CHECK_EQ(uv_thread_create_ex(&t, &opts, measure_stack, &p), 0);
  CHECK_EQ(uv_thread_join(&t), 0);
  CHECK_EQ(p.ran, 1);
  CHECK(p.stack_size >= opts.stack_size);
  CHECK(p.stack_size < 2 * opts.stack_size);
}

static void note_ran(void* arg) {
  *(int*) arg = 1;
}

TEST(thread_create_ex_raises_a_tiny_stack_size_to_a_usable_one) {
  uv_thread_options_t opts;
  uv_thread_t t;
  int ran = 0;

  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = 1;
  CHECK_EQ(uv_thread_create_ex(&t, &opts, note_ran, &ran), 0);
  CHECK_EQ(uv_thread_join(&t), 0);
  CHECK_EQ(ran, 1);
}

TEST(thread_create_ex_ignores_stack_size_without_the_flag) {
  uv_thread_options_t opts;
  struct stack_probe p;
  uv_thread_t t;

  opts.flags = UV_THREAD_NO_FLAGS;
  opts.stack_size = 1; /* would be raised anyway; must simply be unused */
  p.ran = 0;
  CHECK_EQ(uv_thread_create_ex(&t, &opts, measure_stack, &p), 0);
  CHECK_EQ(uv_thread_join(&t), 0);
  CHECK_EQ(p.ran, 1);
  CHECK(p.stack_size >= 128 * 1024); /* a default stack, not a minimal one */
}

struct self_probe {
  uv_thread_t seen;
};

static void record_self(void* arg) {
  struct self_probe* p = arg;
  uv_thread_t self = uv_thread_self();

  p->seen = self;
  CHECK(uv_thread_equal(&self, &p->seen));
}

TEST(thread_self_names_the_created_thread_and_equal_tells_threads_apart) {
  struct self_probe p;
  uv_thread_t t;
  uv_thread_t main_self = uv_thread_self();
  uv_thread_t again = uv_thread_self();

  CHECK(uv_thread_equal(&main_self, &again));
  CHECK_EQ(uv_thread_create(&t, record_self, &p), 0);
  CHECK_EQ(uv_thread_join(&t), 0);
  CHECK(uv_thread_equal(&t, &p.seen));
  CHECK(!uv_thread_equal(&main_self, &p.seen));
}

HARNESS_MAIN
