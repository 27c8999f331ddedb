// ctk_system.h — what the processor can run, and the BLAS the kernels multiply with.
//
// The instruction set is read with cpuid (and xgetbv for the registers the OS saves), never from a
// BLAS's CPU table: Debian's OpenBLAS 0.3.21 does not know newer CPUs and falls back to its SSE3
// "Prescott" kernels, 3–4× slower. OpenBLAS is therefore not linked at build time: it is opened
// with dlopen at first use, after OPENBLAS_CORETYPE has been set from the detected ISA (unless the
// user set it), because OpenBLAS reads that variable once, in its library constructor.
#ifndef CTK_SYSTEM_H
#define CTK_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set features that matter to the kernels (x86-64; all zero elsewhere).
/// A feature counts only when the OS also saves its registers (XCR0 via xgetbv).
typedef struct tk_cpu_features {
    int32_t sse3, ssse3, sse41, sse42, avx, avx2, fma, f16c;
    int32_t avx512f, avx512bw, avx512vl, avx512dq, avx512vnni, avx512bf16;
    int32_t family, model, stepping;  ///< display family/model (base + extended), as /proc/cpuinfo
    char vendor[16];                  ///< e.g. "GenuineIntel", "AuthenticAMD"
    char brand[64];                   ///< the processor brand string, trimmed
} tk_cpu_features;

/// Fills `out` from cpuid. Cheap; call it as often as needed.
void tk_cpu_detect(tk_cpu_features *out);

/// BLAS row/column order and transposition, with CBLAS's numeric values.
enum { TK_BLAS_ROW_MAJOR = 101, TK_BLAS_NO_TRANS = 111, TK_BLAS_TRANS = 112 };

/// Opens the BLAS once per process (later calls return the first result and ignore arguments).
/// `library`: a path or soname to try first (NULL: libopenblas.so.0, then libopenblas.so, …).
/// `coretype`: the OPENBLAS_CORETYPE to set while the library initialises when the environment
/// has none (NULL or "": leave OpenBLAS to its own detection). `threads`: OPENBLAS_NUM_THREADS to
/// set the same way, so OpenBLAS starts no idle pool of its own. The environment is restored
/// afterwards, so child processes do not inherit these settings.
/// Returns 0 when a cblas_sgemm was found, -1 when not (then `tk_sgemm` uses the portable loop).
int tk_blas_load(const char *library, const char *coretype, int32_t threads);

/// What `tk_blas_load` found: the library opened (path or soname), OpenBLAS's core name and
/// configuration string (empty when not OpenBLAS or not loaded), the dlerror of the last failure.
const char *tk_blas_library(void);
const char *tk_blas_corename(void);
const char *tk_blas_config(void);
const char *tk_blas_error(void);
/// OpenBLAS's thread count (1 when unknown); `tk_blas_set_threads` is a no-op without OpenBLAS.
int32_t tk_blas_threads(void);
void tk_blas_set_threads(int32_t threads);

/// C = alpha · op(A) · op(B) + beta · C, row-major (CBLAS's sgemm with CblasRowMajor).
/// op(A) is m × k, op(B) is k × n. Uses the loaded BLAS, or `tk_sgemm_portable` without one.
void tk_sgemm(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
              const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c, int32_t ldc);

/// The same product as plain loops with double accumulation: the reference the BLAS is checked
/// against, and the fallback when no BLAS library can be opened.
void tk_sgemm_portable(int32_t trans_a, int32_t trans_b, int32_t m, int32_t n, int32_t k, float alpha,
                       const float *a, int32_t lda, const float *b, int32_t ldb, float beta, float *c, int32_t ldc);

#ifdef __cplusplus
}
#endif
#endif
