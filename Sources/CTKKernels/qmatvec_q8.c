// Quantised weights × 8-bit-quantised activations, for fast decode (opt-in).
//
// The exact path (qmatmul.c) unpacks every weight block to float32 and dots it with float32
// activations. Here the activation row is first quantised per 32-element block to int8 with one
// float scale (as llama.cpp's Q8 activations), so a block's dot product is a handful of integer
// instructions (maddubs + madd) and one float FMA. Accumulation across blocks stays float32.
// Results differ from the exact path by the activations' quantisation error (relative ~1e-2 per
// dot product), which is why scoring never uses it.
#include "ctk_kernels.h"
#include "ctk_quant.h"
#include "half.h"
#include <math.h>
#include <string.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

enum { Q8A_TYPE_Q4_0 = 2, Q8A_TYPE_Q4_1 = 3, Q8A_TYPE_Q8_0 = 8 };


int tk_q8_activation_supported(int32_t type) {
    return type == Q8A_TYPE_Q4_0 || type == Q8A_TYPE_Q4_1 || type == Q8A_TYPE_Q8_0;
}

void tk_quantize_activations_q8(const float *x, int64_t cols, int8_t *q, float *scale, float *sum) {
    for (int64_t b = 0; b < cols / 32; b++) {
        const float *xb = x + b * 32;
        float amax = 0.0f, s = 0.0f;
        for (int i = 0; i < 32; i++) { const float a = fabsf(xb[i]); if (a > amax) amax = a; s += xb[i]; }
        const float d = amax / 127.0f, id = d > 0 ? 1.0f / d : 0.0f;
        for (int i = 0; i < 32; i++) q[b * 32 + i] = (int8_t)lrintf(xb[i] * id);
        scale[b] = d;
        sum[b] = s;
    }
}

// One weight row · one quantised activation row, scalar: the definition the SIMD path follows.
static float dot_row_scalar(int32_t type, const uint8_t *row, int64_t nblocks,
                            const int8_t *q, const float *scale, const float *sum) {
    float acc = 0.0f;
    for (int64_t b = 0; b < nblocks; b++) {
        const int8_t *qb = q + b * 32;
        int32_t dot = 0;
        if (type == Q8A_TYPE_Q8_0) {
            const uint8_t *blk = row + b * 34;
            const int8_t *w = (const int8_t *)(blk + 2);
            for (int i = 0; i < 32; i++) dot += (int32_t)w[i] * qb[i];
            acc += ctk_half_to_float(*(const uint16_t *)blk) * scale[b] * (float)dot;
        } else {
            const int q41 = type == Q8A_TYPE_Q4_1;
            const uint8_t *blk = row + b * (q41 ? 20 : 18);
            const uint8_t *qs = blk + (q41 ? 4 : 2);
            for (int i = 0; i < 16; i++) dot += (int32_t)(qs[i] & 0x0f) * qb[i] + (int32_t)(qs[i] >> 4) * qb[i + 16];
            const float d = ctk_half_to_float(*(const uint16_t *)blk);
            const float m = q41 ? ctk_half_to_float(*(const uint16_t *)(blk + 2)) : -8.0f * d;
            acc += d * scale[b] * (float)dot + m * sum[b];
        }
    }
    return acc;
}

#if defined(__AVX2__) && defined(__FMA__)
// Q4_0 / Q4_1 row: nibbles widened to 32 unsigned bytes (low nibbles = elements 0..15, high =
// 16..31, matching the activation order), multiplied with the signed activations by maddubs.
static inline __attribute__((always_inline))
float dot_row_q4_avx2(const int q41, const uint8_t *row, int64_t nblocks, const int8_t *q, const float *scale, const float *sum) {
    const size_t bytes = q41 ? 20 : 18;
    const __m128i m4 = _mm_set1_epi8(0x0f);
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    float offset = 0.0f;
    int64_t b = 0;
    for (; b < nblocks; b++) {
        const uint8_t *blk = row + b * bytes;
        _mm_prefetch((const char *)blk + 320, _MM_HINT_T0);
        const float d = ctk_half_to_float(*(const uint16_t *)blk);
        const float m = q41 ? ctk_half_to_float(*(const uint16_t *)(blk + 2)) : -8.0f * d;
        const __m128i raw = _mm_loadu_si128((const __m128i *)(blk + (q41 ? 4 : 2)));
        const __m256i w = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_and_si128(raw, m4)),
                                                  _mm_and_si128(_mm_srli_epi16(raw, 4), m4), 1);
        const __m256i x = _mm256_loadu_si256((const __m256i *)(q + b * 32));
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
        const __m256 prod = _mm256_cvtepi32_ps(p);
        // Two accumulators: consecutive blocks' FMAs do not wait on each other.
        if (b & 1) acc1 = _mm256_fmadd_ps(_mm256_set1_ps(d * scale[b]), prod, acc1);
        else acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d * scale[b]), prod, acc0);
        offset += m * sum[b];
    }
    const __m256 v = _mm256_add_ps(acc0, acc1);
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo) + offset;
}

// Q8_0 row: signed × signed through maddubs with the sign moved onto the activations.
static float dot_row_q8_avx2(const uint8_t *row, int64_t nblocks, const int8_t *q, const float *scale) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    for (int64_t b = 0; b < nblocks; b++) {
        const uint8_t *blk = row + b * 34;
        _mm_prefetch((const char *)blk + 544, _MM_HINT_T0);
        const float d = ctk_half_to_float(*(const uint16_t *)blk);
        const __m256i w = _mm256_loadu_si256((const __m256i *)(blk + 2));
        const __m256i x = _mm256_loadu_si256((const __m256i *)(q + b * 32));
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)), ones);
        const __m256 prod = _mm256_cvtepi32_ps(p);
        if (b & 1) acc1 = _mm256_fmadd_ps(_mm256_set1_ps(d * scale[b]), prod, acc1);
        else acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d * scale[b]), prod, acc0);
    }
    const __m256 v = _mm256_add_ps(acc0, acc1);
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
#endif

int tk_matvec_q8_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                      const int8_t *q, const float *scale, const float *sum,
                      float *y, int64_t row_begin, int64_t row_end, int32_t force_scalar) {
    if (!tk_q8_activation_supported(type) || cols % 32 != 0) return -1;
    const int64_t nblocks = cols / 32;
    const uint8_t *base = (const uint8_t *)w;
#if defined(__AVX2__) && defined(__FMA__)
    if (!force_scalar) {
        for (int64_t r = row_begin; r < row_end; r++) {
            const uint8_t *row = base + (size_t)r * row_bytes;
            y[r] = type == Q8A_TYPE_Q8_0 ? dot_row_q8_avx2(row, nblocks, q, scale)
                 : type == Q8A_TYPE_Q4_1 ? dot_row_q4_avx2(1, row, nblocks, q, scale, sum)
                                         : dot_row_q4_avx2(0, row, nblocks, q, scale, sum);
        }
        return 0;
    }
#endif
    (void)force_scalar;
    for (int64_t r = row_begin; r < row_end; r++) {
        y[r] = dot_row_scalar(type, base + (size_t)r * row_bytes, nblocks, q, scale, sum);
    }
    return 0;
}
