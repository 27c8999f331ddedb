// Quantised matrix × activations, dotting ggml blocks directly against float32 activations.
//
// Used where few activation rows share each weight (decode, short continuations): the block is
// unpacked into registers once and reused for up to TILE activation rows, so the weights are read
// from memory once per call. Long batches go through dequantise-a-tile + BLAS sgemm instead
// (see QuantizedMatrix.swift). Activations stay float32 — unlike llama.cpp, which quantises them
// to 8 bits — so results match a float32 reference to rounding.
#include "ctk_kernels.h"
#include "ctk_quant.h"
#include "half.h"
#include <string.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

enum { TYPE_F32 = 0, TYPE_Q4_0 = 2, TYPE_Q4_1 = 3, TYPE_Q8_0 = 8 };
#define TILE 8


#if defined(__AVX2__) && defined(__FMA__)
static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 shuf = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, shuf);
    shuf = _mm_movehl_ps(shuf, sums);
    sums = _mm_add_ss(sums, shuf);
    return _mm_cvtss_f32(sums);
}

// Unpacks one 32-element block into four vectors of 8 floats (elements 0-7, 8-15, 16-23, 24-31).
static inline __attribute__((always_inline)) void unpack_block(int32_t type, const uint8_t *b, __m256 w[4]) {
    if (type == TYPE_Q8_0) {
        const __m256 d = _mm256_set1_ps(ctk_half_to_float(*(const uint16_t *)b));
        const int8_t *qs = (const int8_t *)(b + 2);
        for (int j = 0; j < 4; j++) {
            const __m128i q8 = _mm_loadl_epi64((const __m128i *)(qs + 8 * j));
            w[j] = _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q8)));
        }
        return;
    }
    // Q4_0 {d, qs[16]} → (q - 8) * d ; Q4_1 {d, m, qs[16]} → q * d + m.
    // Low nibbles are elements 0..15, high nibbles 16..31.
    const float dv = ctk_half_to_float(*(const uint16_t *)b);
    const float mv = type == TYPE_Q4_1 ? ctk_half_to_float(*(const uint16_t *)(b + 2)) : -8.0f * dv;
    const uint8_t *qs = b + (type == TYPE_Q4_1 ? 4 : 2);
    const __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    const __m128i mask = _mm_set1_epi8(0x0f);
    const __m128i lo = _mm_and_si128(raw, mask);
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(raw, 4), mask);
    const __m256 d = _mm256_set1_ps(dv), m = _mm256_set1_ps(mv);
    w[0] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo)), m);
    w[1] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8))), m);
    w[2] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi)), m);
    w[3] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8))), m);
}

// One activation row (decode): four independent FMA chains, one per 8-element quarter of a block.
// `type` is a compile-time constant at each call site below, so the per-block branch folds away.
static inline __attribute__((always_inline))
void matvec_row_avx2(const int32_t type, const uint8_t *row, int64_t nblocks, size_t block_bytes,
                     const float *x, float *out) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (int64_t b = 0; b < nblocks; b++) {
        __m256 u[4];
        // Weights stream from DRAM once per token: fetch a few cache lines ahead of use.
        _mm_prefetch((const char *)(row + b * block_bytes) + 384, _MM_HINT_T0);
        unpack_block(type, row + b * block_bytes, u);
        const float *xb = x + b * 32;
        a0 = _mm256_fmadd_ps(u[0], _mm256_loadu_ps(xb), a0);
        a1 = _mm256_fmadd_ps(u[1], _mm256_loadu_ps(xb + 8), a1);
        a2 = _mm256_fmadd_ps(u[2], _mm256_loadu_ps(xb + 16), a2);
        a3 = _mm256_fmadd_ps(u[3], _mm256_loadu_ps(xb + 24), a3);
    }
    *out = hsum256(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

static void matvec_blocks_avx2(int32_t type, const uint8_t *w, int64_t cols, size_t row_bytes,
                               const float *x, float *y, int64_t r0, int64_t r1) {
    const int64_t nblocks = cols / 32;
    switch (type) {
    case TYPE_Q4_1:
        for (int64_t r = r0; r < r1; r++) matvec_row_avx2(TYPE_Q4_1, w + (size_t)r * row_bytes, nblocks, 20, x, y + r);
        break;
    case TYPE_Q8_0:
        for (int64_t r = r0; r < r1; r++) matvec_row_avx2(TYPE_Q8_0, w + (size_t)r * row_bytes, nblocks, 34, x, y + r);
        break;
    default:
        for (int64_t r = r0; r < r1; r++) matvec_row_avx2(TYPE_Q4_0, w + (size_t)r * row_bytes, nblocks, 18, x, y + r);
        break;
    }
}

static void matmul_blocks_avx2(int32_t type, const uint8_t *w, int64_t cols, size_t row_bytes,
                               const float *x, int64_t n, int64_t ldx, float *y, int64_t ldy,
                               int64_t r0, int64_t r1) {
    const int64_t nblocks = cols / 32;
    const size_t block_bytes = type == TYPE_Q8_0 ? 34 : (type == TYPE_Q4_1 ? 20 : 18);
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int64_t t0 = 0; t0 < n; t0 += TILE) {
            const int64_t tn = n - t0 < TILE ? n - t0 : TILE;
            __m256 acc[TILE];
            for (int k = 0; k < TILE; k++) acc[k] = _mm256_setzero_ps();
            for (int64_t b = 0; b < nblocks; b++) {
                __m256 wv[4];
                unpack_block(type, row + b * block_bytes, wv);
                const float *xb = x + t0 * ldx + b * 32;
                for (int64_t k = 0; k < tn; k++) {
                    const float *xk = xb + k * ldx;
                    __m256 a = acc[k];
                    a = _mm256_fmadd_ps(wv[0], _mm256_loadu_ps(xk), a);
                    a = _mm256_fmadd_ps(wv[1], _mm256_loadu_ps(xk + 8), a);
                    a = _mm256_fmadd_ps(wv[2], _mm256_loadu_ps(xk + 16), a);
                    a = _mm256_fmadd_ps(wv[3], _mm256_loadu_ps(xk + 24), a);
                    acc[k] = a;
                }
            }
            for (int64_t k = 0; k < tn; k++) y[(t0 + k) * ldy + r] = hsum256(acc[k]);
        }
    }
}
#endif

static void matmul_dequant_generic(int32_t type, const uint8_t *w, int64_t cols, size_t row_bytes,
                                   const float *x, int64_t n, int64_t ldx, float *y, int64_t ldy,
                                   int64_t r0, int64_t r1, float *scratch) {
    for (int64_t r = r0; r < r1; r++) {
        const float *wr;
        if (type == TYPE_F32) wr = (const float *)(w + (size_t)r * row_bytes);
        else { tk_dequantize_row(type, w + (size_t)r * row_bytes, scratch, cols); wr = scratch; }
        for (int64_t t = 0; t < n; t++) {
            const float *xt = x + t * ldx;
            float s = 0.0f;
            for (int64_t i = 0; i < cols; i++) s += wr[i] * xt[i];
            y[t * ldy + r] = s;
        }
    }
}

int tk_matmul_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                   const float *x, int64_t n, int64_t ldx,
                   float *y, int64_t ldy, int64_t row_begin, int64_t row_end, float *scratch) {
    if (tk_block_size(type) == 0) return -1;
#if defined(__AVX2__) && defined(__FMA__)
    if ((type == TYPE_Q4_0 || type == TYPE_Q4_1 || type == TYPE_Q8_0) && n < 4) {
        // Fewer rows than the tile needs for independent FMA chains: one row at a time.
        for (int64_t t = 0; t < n; t++)
            matvec_blocks_avx2(type, (const uint8_t *)w, cols, row_bytes, x + t * ldx, y + t * ldy, row_begin, row_end);
        return 0;
    }
    if (type == TYPE_Q4_0 || type == TYPE_Q4_1 || type == TYPE_Q8_0) {
        matmul_blocks_avx2(type, (const uint8_t *)w, cols, row_bytes, x, n, ldx, y, ldy, row_begin, row_end);
        return 0;
    }
#endif
    matmul_dequant_generic(type, (const uint8_t *)w, cols, row_bytes, x, n, ldx, y, ldy, row_begin, row_end, scratch);
    return 0;
}

int tk_dequantize_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                       int64_t row_begin, int64_t row_end, float *dst) {
    if (tk_block_size(type) == 0) return -1;
    for (int64_t r = row_begin; r < row_end; r++) {
        tk_dequantize_row(type, (const uint8_t *)w + (size_t)r * row_bytes, dst + (r - row_begin) * cols, cols);
    }
    return 0;
}
