// A small persistent thread pool for the kernels: workers spin briefly on a generation counter
// and then sleep, so the ~200 parallel regions of a decode step cost microseconds, not the
// tens of microseconds of a fresh dispatch each (which made two threads no faster than one).
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

static void *worker_main(void *arg) {
    tk_pool *pool = (tk_pool *)arg;
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
    free(pool->workers);
    free(pool);
}

void tk_pool_run(tk_pool *pool, int32_t count, tk_task_fn fn, void *ctx) {
    if (count <= 0) return;
    if (pool->threads == 1 || count == 1) {
        for (int32_t i = 0; i < count; i++) fn(ctx, i);
        return;
    }
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
