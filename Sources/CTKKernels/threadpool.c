// A small persistent thread pool for the kernels: workers spin briefly on a generation counter
// and then sleep, so the ~200 parallel regions of a decode step cost microseconds, not the
// tens of microseconds of a fresh dispatch each (which made two threads no faster than one).
//
// One pool serves the whole process (`tk_pool_shared`): sessions, a contrastive amateur, two
// models or `serve --parallel` share its workers, and their parallel regions take turns (a mutex),
// so the process never runs more kernel threads than the largest thread count asked for.
#include "ctk_kernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

// About 0.3–1 ms of pause instructions: long enough to bridge the gaps between the parallel regions
// of one forward pass, short enough that idle workers do not steal a core from the caller's own
// work (tokenizing, Swift code between kernels, other processes on a 2-core machine).
enum { SPIN_ITERATIONS = 20000 };

struct tk_pool {
    int32_t threads;
    pthread_t *workers;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    atomic_uint generation;   // bumped once per parallel region
    atomic_int next;          // next task index to take
    atomic_int finished;      // tasks completed in this region
    atomic_int sleepers;      // workers blocked on `wake`
    atomic_bool stopping;
    pthread_mutex_t region;   // one parallel region at a time; held for the whole region
    int32_t count;
    tk_task_fn fn;
    void *ctx;
};

static void run_tasks(tk_pool *pool) {
    for (;;) {
        const int i = atomic_fetch_add_explicit(&pool->next, 1, memory_order_acq_rel);
        if (i >= pool->count) break;
        pool->fn(pool->ctx, i);
        atomic_fetch_add_explicit(&pool->finished, 1, memory_order_acq_rel);
    }
}

/// The pool whose region this thread is in: a caller during its region, a worker always. A task
/// that starts a region of its own runs it inline instead of waiting for the region it is part of
/// (which would never end).
static _Thread_local tk_pool *current_region = NULL;

static void *worker_main(void *arg) {
    tk_pool *pool = (tk_pool *)arg;
    current_region = pool;  // workers only ever run tasks of a region
    unsigned seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    for (;;) {
        int spins = 0;
        unsigned now;
        while ((now = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
            if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
            if (++spins < SPIN_ITERATIONS) { CPU_RELAX(); continue; }
            pthread_mutex_lock(&pool->mutex);
            atomic_fetch_add(&pool->sleepers, 1);
            while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->stopping))
                pthread_cond_wait(&pool->wake, &pool->mutex);
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->mutex);
            spins = 0;
        }
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        seen = now;
        run_tasks(pool);
    }
}

tk_pool *tk_pool_create(int32_t threads) {
    tk_pool *pool = calloc(1, sizeof(tk_pool));
    if (!pool) return NULL;
    pool->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_mutex_init(&pool->region, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->next, 0);
    atomic_init(&pool->finished, 0);
    atomic_init(&pool->sleepers, 0);
    atomic_init(&pool->stopping, false);
    pool->workers = calloc((size_t)pool->threads, sizeof(pthread_t));
    for (int32_t i = 1; i < pool->threads; i++) pthread_create(&pool->workers[i], NULL, worker_main, pool);
    return pool;
}

void tk_pool_destroy(tk_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stopping, true);
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add(&pool->generation, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int32_t i = 1; i < pool->threads; i++) pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->mutex);
    pthread_mutex_destroy(&pool->region);
    free(pool->workers);
    free(pool);
}


static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static tk_pool *shared_pool = NULL;

tk_pool *tk_pool_shared(int32_t threads) {
    if (threads < 1) threads = 1;
    pthread_mutex_lock(&shared_lock);
    if (!shared_pool) {
        shared_pool = tk_pool_create(threads);
    } else if (threads > shared_pool->threads) {
        // Grow between regions: holding `region` means no worker is running a task.
        tk_pool *pool = shared_pool;
        pthread_mutex_lock(&pool->region);
        pthread_t *workers = realloc(pool->workers, (size_t)threads * sizeof(pthread_t));
        if (workers) {
            pool->workers = workers;
            for (int32_t i = pool->threads; i < threads; i++) pthread_create(&pool->workers[i], NULL, worker_main, pool);
            pool->threads = threads;
        }
        pthread_mutex_unlock(&pool->region);
    }
    tk_pool *pool = shared_pool;
    pthread_mutex_unlock(&shared_lock);
    return pool;
}

int32_t tk_pool_shared_threads(void) {
    pthread_mutex_lock(&shared_lock);
    const int32_t threads = shared_pool ? tk_pool_threads(shared_pool) : 0;
    pthread_mutex_unlock(&shared_lock);
    return threads;
}

int32_t tk_pool_threads(tk_pool *pool) {
    pthread_mutex_lock(&pool->region);
    const int32_t threads = pool->threads;
    pthread_mutex_unlock(&pool->region);
    return threads;
}

static void run_region(tk_pool *pool, int32_t count, tk_task_fn fn, void *ctx);

void tk_pool_run(tk_pool *pool, int32_t count, tk_task_fn fn, void *ctx) {
    if (count <= 0) return;
    if (count == 1 || current_region != NULL) {
        for (int32_t i = 0; i < count; i++) fn(ctx, i);
        return;
    }
    pthread_mutex_lock(&pool->region);
    current_region = pool;
    if (pool->threads == 1) {
        for (int32_t i = 0; i < count; i++) fn(ctx, i);
    } else {
        run_region(pool, count, fn, ctx);
    }
    current_region = NULL;
    pthread_mutex_unlock(&pool->region);
}

static void run_region(tk_pool *pool, int32_t count, tk_task_fn fn, void *ctx) {
    pool->count = count;
    pool->fn = fn;
    pool->ctx = ctx;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->finished, 0, memory_order_relaxed);
    // Publish the region; wake sleepers only when there are any (the common case spins).
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
    if (atomic_load_explicit(&pool->sleepers, memory_order_acquire) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    run_tasks(pool);
    while (atomic_load_explicit(&pool->finished, memory_order_acquire) < count) CPU_RELAX();
}
