// Dequantisation throughput, built with the CTKKernels flags by scripts/quant/bench.sh.
// Two regimes: a 4096-element row decoded over and over (cache-resident, kernel-bound) and a
// 16 Mi-element tensor decoded row by row (memory-bound: output 64 MiB of floats).
// Times are this thread's CPU time, best of 5 trials, so a busy shared machine (time slicing)
// distorts them less than wall time would; cache and memory contention still show.
#define _POSIX_C_SOURCE 199309L
#include "ctk_quant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef void (*row_fn)(int32_t, const void *, float *, int64_t);

static void bench(const char *name, int32_t type, row_fn fn, const char *path) {
    const int64_t row = 4096, big = 16 << 20;
    float *x = malloc((size_t)big * sizeof(float));
    srand(42);
    for (int64_t i = 0; i < big; i++) x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    const size_t qbytes = tk_row_size(type, big);
    unsigned char *q = malloc(qbytes);
    for (int64_t r = 0; r < big / row; r++)
        tk_quantize_row(type, x + r * row, q + r * tk_row_size(type, row), row);
    float *y = malloc((size_t)big * sizeof(float));
    volatile float sink = 0;

    // Cache-resident: one row, many times.
    const int reps = 5000;
    double hot = 0, cold = 0;
    for (int trial = 0; trial < 5; trial++) {
        const double t0 = now();
        for (int i = 0; i < reps; i++) { fn(type, q, y, row); sink += y[i & 4095]; }
        const double rate = (double)row * reps / (now() - t0);
        if (rate > hot) hot = rate;
    }

    // Memory-bound: the whole tensor, row by row.
    fn(type, q, y, big);
    for (int trial = 0; trial < 5; trial++) {
        const double t0 = now();
        for (int64_t r = 0; r < big / row; r++)
            fn(type, q + r * tk_row_size(type, row), y + r * row, row);
        const double rate = (double)big / (now() - t0);
        if (rate > cold) cold = rate;
    }
    sink += y[123];
    const double bpe = (double)tk_row_size(type, row) / (double)row;
    printf("%-5s %-6s  row 4096 (L1/L2): %7.0f Melem/s (%5.2f GB/s in, %5.1f GB/s out)   "
           "16Mi tensor: %6.0f Melem/s (%5.2f GB/s in)\n",
           name, path, hot / 1e6, hot * bpe / 1e9, hot * 4 / 1e9, cold / 1e6, cold * bpe / 1e9);
    free(x); free(q); free(y);
}

int main(void) {
    static const struct { const char *name; int32_t type; } types[] = {
        {"Q4_1", TK_TYPE_Q4_1}, {"Q8_0", TK_TYPE_Q8_0}, {"Q4_0", TK_TYPE_Q4_0}, {"Q5_0", TK_TYPE_Q5_0},
        {"Q5_1", TK_TYPE_Q5_1}, {"Q4_K", TK_TYPE_Q4_K}, {"Q5_K", TK_TYPE_Q5_K}, {"Q6_K", TK_TYPE_Q6_K},
        {"F16", TK_TYPE_F16}, {"BF16", TK_TYPE_BF16},
    };
    printf("SIMD kernels built: %s\n", tk_dequantize_has_simd() ? "AVX2/F16C" : "no");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        bench(types[i].name, types[i].type, tk_dequantize_row, "simd");
        bench(types[i].name, types[i].type, tk_dequantize_row_scalar, "scalar");
    }
    return 0;
}
