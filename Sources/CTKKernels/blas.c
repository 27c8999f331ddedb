// The BLAS, opened at run time (see ctk_system.h for why it is not linked at build time).
#include "ctk_system.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef char *(*string_fn)(void);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_state = 0;  // 0: not tried, 1: loaded, -1: no BLAS found
static sgemm_fn blas_sgemm = NULL;
static set_threads_fn blas_set_threads = NULL;
static get_threads_fn blas_get_threads = NULL;
static char library_name[512];
static char corename[64];
static char config[256];
static char last_error[512];

static void copy_string(char *dst, size_t cap, const char *src) {
    if (!src) src = "";
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/// Sets `name` to `value` unless the environment has it; returns whether it was set (to undo).
static int set_if_unset(const char *name, const char *value) {
    if (!value || !*value || getenv(name)) return 0;
    return setenv(name, value, 0) == 0;
}

static void *open_first(const char *preferred) {
    static const char *const candidates[] = {
#if defined(__APPLE__)
        "libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "/usr/local/opt/openblas/lib/libopenblas.dylib",
#else
        "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libblas.so.3",
#endif
    };
    if (preferred && *preferred) {
        void *h = dlopen(preferred, RTLD_NOW | RTLD_LOCAL);
        if (h) { copy_string(library_name, sizeof(library_name), preferred); return h; }
        copy_string(last_error, sizeof(last_error), dlerror());
    }
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        void *h = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (h && dlsym(h, "cblas_sgemm")) {
            copy_string(library_name, sizeof(library_name), candidates[i]);
            return h;
        }
        if (!h) copy_string(last_error, sizeof(last_error), dlerror());
    }
    return NULL;
}

int tk_blas_load(const char *library, const char *coretype, int32_t threads) {
    pthread_mutex_lock(&load_lock);
    if (load_state != 0) {
        const int state = load_state;
        pthread_mutex_unlock(&load_lock);
        return state == 1 ? 0 : -1;
    }
    char thread_text[16] = {0};
    if (threads > 0) {
        int n = threads > 9999 ? 9999 : threads, i = 15;
        do { thread_text[--i] = (char)('0' + n % 10); n /= 10; } while (n > 0 && i > 0);
        memmove(thread_text, thread_text + i, (size_t)(16 - i));
    }
    // OpenBLAS reads these once, in its constructor, which runs inside dlopen.
    const int set_core = set_if_unset("OPENBLAS_CORETYPE", coretype);
    const int set_threads = set_if_unset("OPENBLAS_NUM_THREADS", threads > 0 ? thread_text : NULL);
    void *handle = open_first(library);
    if (set_core) unsetenv("OPENBLAS_CORETYPE");
    if (set_threads) unsetenv("OPENBLAS_NUM_THREADS");

    if (handle) {
        blas_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
        string_fn get_core = (string_fn)dlsym(handle, "openblas_get_corename");
        string_fn get_config = (string_fn)dlsym(handle, "openblas_get_config");
        blas_set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
        blas_get_threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
        copy_string(corename, sizeof(corename), get_core ? get_core() : "");
        copy_string(config, sizeof(config), get_config ? get_config() : "");
        if (!blas_sgemm) copy_string(last_error, sizeof(last_error), "the library has no cblas_sgemm");
    }
    if (!blas_sgemm) library_name[0] = '\0';
    load_state = blas_sgemm ? 1 : -1;
    const int state = load_state;
    pthread_mutex_unlock(&load_lock);
    return state == 1 ? 0 : -1;
}

const char *tk_blas_library(void) { return library_name; }
const char *tk_blas_corename(void) { return corename; }
const char *tk_blas_config(void) { return config; }
const char *tk_blas_error(void) { return last_error; }

int32_t tk_blas_threads(void) { return blas_get_threads ? blas_get_threads() : 1; }

void tk_blas_set_threads(int32_t threads) {
    if (blas_set_threads) blas_set_threads(threads < 1 ? 1 : threads);
}

void tk_sgemm(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
              const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c, int32_t ldc) {
    if (blas_sgemm) {
        blas_sgemm(TK_BLAS_ROW_MAJOR, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else {
        tk_sgemm_portable(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}

void tk_sgemm_portable(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
                       const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c, int32_t ldc) {
    const int ta = trans_a == TK_BLAS_TRANS, tb = trans_b == TK_BLAS_TRANS;
    for (int32_t i = 0; i < m; i++) {
        for (int32_t j = 0; j < n; j++) {
            double sum = 0;
            for (int32_t p = 0; p < k; p++) {
                const float x = ta ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                const float y = tb ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += (double)x * (double)y;
            }
            float *out = c + (size_t)i * ldc + j;
            *out = (float)(alpha * sum) + (beta == 0 ? 0 : beta * *out);
        }
    }
}
