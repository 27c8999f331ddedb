// dequant.c — ggml block formats to float32, one row at a time.
//
// Layout of this file: helpers (half floats, byte loads), geometry, the portable
// scalar kernels (the reference), the AVX2/F16C kernels (the hot path), and the entry points.
//
// Numerics: every kernel evaluates ggml's own expression (dequantize_row_* in ggml-quants.c) in
// the same order, so results are bit-identical to ggml's scalar code and to gguf-py (tested).
// Fusing a multiply-add cannot change a result here: each product is exact in float32 (a half
// scale has 11 significant bits, a quant at most 6, a K sub-scale 6 or 8), so `q*d + m` rounds
// once whether or not it is an FMA. The SIMD paths therefore use FMA where the build has it.
#include "ctk_quant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ctk_quant: block fields are little-endian; a big-endian host needs byte swaps here"
#endif

#if defined(__AVX2__) && defined(__F16C__)
#include <immintrin.h>
#define TK_QUANT_SIMD 1
#else
#define TK_QUANT_SIMD 0
#endif

// MARK: - Helpers

__attribute__((noreturn, cold))
static void tk_quant_fail(const char *what, int32_t type, int64_t n) {
    fprintf(stderr, "CTKKernels dequantize: %s (type %d, n %lld)\n", what, (int)type, (long long)n);
    abort();
}

static inline uint16_t load_u16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint32_t load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline float bits_to_f32(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float f16_to_f32_scalar(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    const uint32_t mant = h & 0x3FFu;
    if (exp == 0) {
        // Zero or subnormal: mant * 2^-24 is exact in float.
        const float f = (float)mant * 0x1p-24f;
        return sign ? -f : f;
    }
    if (exp == 0x1F) {
        // Inf, or NaN with its payload kept and the quiet bit set (what VCVTPH2PS does).
        return bits_to_f32(sign | 0x7F800000u | (mant << 13) | (mant ? 0x00400000u : 0u));
    }
    return bits_to_f32(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
}

float tk_quant_f16_to_f32(uint16_t h) {
#if TK_QUANT_SIMD
    return _cvtsh_ss(h);
#else
    return f16_to_f32_scalar(h);
#endif
}

float tk_quant_f16_to_f32_scalar(uint16_t h) { return f16_to_f32_scalar(h); }

float tk_quant_bf16_to_f32(uint16_t h) {
    return bits_to_f32((uint32_t)h << 16);
}

// MARK: - Geometry

int32_t tk_block_size(int32_t type) {
    switch (type) {
    case TK_TYPE_F32: case TK_TYPE_F16: case TK_TYPE_BF16: return 1;
    case TK_TYPE_Q4_0: case TK_TYPE_Q4_1: case TK_TYPE_Q5_0: case TK_TYPE_Q5_1: case TK_TYPE_Q8_0: return TK_QK32;
    case TK_TYPE_Q4_K: case TK_TYPE_Q5_K: case TK_TYPE_Q6_K: return TK_QK_K;
    default: return 0;
    }
}

size_t tk_type_size(int32_t type) {
    switch (type) {
    case TK_TYPE_F32: return 4;
    case TK_TYPE_F16: case TK_TYPE_BF16: return 2;
    case TK_TYPE_Q4_0: return sizeof(tk_block_q4_0);
    case TK_TYPE_Q4_1: return sizeof(tk_block_q4_1);
    case TK_TYPE_Q5_0: return sizeof(tk_block_q5_0);
    case TK_TYPE_Q5_1: return sizeof(tk_block_q5_1);
    case TK_TYPE_Q8_0: return sizeof(tk_block_q8_0);
    case TK_TYPE_Q4_K: return sizeof(tk_block_q4_k);
    case TK_TYPE_Q5_K: return sizeof(tk_block_q5_k);
    case TK_TYPE_Q6_K: return sizeof(tk_block_q6_k);
    default: return 0;
    }
}

size_t tk_row_size(int32_t type, int64_t n) {
    const int32_t qk = tk_block_size(type);
    if (qk == 0 || n < 0 || n % qk != 0) return 0;
    return (size_t)(n / qk) * tk_type_size(type);
}

// Checks the shape once at entry and returns the number of blocks.
static inline int64_t checked_blocks(int32_t type, int64_t n) {
    const int32_t qk = tk_block_size(type);
    if (qk == 0) tk_quant_fail("unknown type", type, n);
    if (n < 0 || n % qk != 0) tk_quant_fail("n is not a multiple of the block size", type, n);
    return n / qk;
}

// MARK: - Scalar kernels (reference)
//
// Direct transcriptions of ggml's dequantize_row_*, reading fields by byte offset.
// x: nb blocks of the type, y: nb * block-size floats.

static void dq_f16_scalar(const uint8_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = f16_to_f32_scalar(load_u16(x + 2 * i));
}

static void dq_bf16_scalar(const uint8_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = bits_to_f32((uint32_t)load_u16(x + 2 * i) << 16);
}

static void dq_q4_0_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_0), y += TK_QK32) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const uint8_t *qs = x + 2;
        for (int j = 0; j < 16; j++) {
            y[j] = (float)((qs[j] & 0x0F) - 8) * d;
            y[j + 16] = (float)((qs[j] >> 4) - 8) * d;
        }
    }
}

static void dq_q4_1_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_1), y += TK_QK32) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const float m = f16_to_f32_scalar(load_u16(x + 2));
        const uint8_t *qs = x + 4;
        for (int j = 0; j < 16; j++) {
            y[j] = (float)(qs[j] & 0x0F) * d + m;
            y[j + 16] = (float)(qs[j] >> 4) * d + m;
        }
    }
}

static void dq_q5_0_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_0), y += TK_QK32) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const uint32_t qh = load_u32(x + 2);
        const uint8_t *qs = x + 6;
        for (int j = 0; j < 16; j++) {
            const int h0 = (int)((qh >> j) << 4) & 0x10;
            const int h1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (float)(((qs[j] & 0x0F) | h0) - 16) * d;
            y[j + 16] = (float)(((qs[j] >> 4) | h1) - 16) * d;
        }
    }
}

static void dq_q5_1_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_1), y += TK_QK32) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const float m = f16_to_f32_scalar(load_u16(x + 2));
        const uint32_t qh = load_u32(x + 4);
        const uint8_t *qs = x + 8;
        for (int j = 0; j < 16; j++) {
            const int h0 = (int)((qh >> j) << 4) & 0x10;
            const int h1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (float)((qs[j] & 0x0F) | h0) * d + m;
            y[j + 16] = (float)((qs[j] >> 4) | h1) * d + m;
        }
    }
}

static void dq_q8_0_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q8_0), y += TK_QK32) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const int8_t *qs = (const int8_t *)(x + 2);
        for (int j = 0; j < TK_QK32; j++) y[j] = (float)qs[j] * d;
    }
}

static void dq_q4_k_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_k)) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const float dmin = f16_to_f32_scalar(load_u16(x + 2));
        const uint8_t *scales = x + 4;
        const uint8_t *q = x + 16;
        for (int g = 0; g < 4; g++, q += 32, y += 64) {
            uint8_t sc, m;
            tk_quant_scale_min_k4(2 * g, scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            tk_quant_scale_min_k4(2 * g + 1, scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            for (int l = 0; l < 32; l++) {
                y[l] = d1 * (float)(q[l] & 0x0F) - m1;
                y[l + 32] = d2 * (float)(q[l] >> 4) - m2;
            }
        }
    }
}

static void dq_q5_k_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_k)) {
        const float d = f16_to_f32_scalar(load_u16(x));
        const float dmin = f16_to_f32_scalar(load_u16(x + 2));
        const uint8_t *scales = x + 4;
        const uint8_t *qh = x + 16;
        const uint8_t *ql = x + 48;
        for (int g = 0; g < 4; g++, ql += 32, y += 64) {
            uint8_t sc, m;
            tk_quant_scale_min_k4(2 * g, scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            tk_quant_scale_min_k4(2 * g + 1, scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            const uint8_t u1 = (uint8_t)(1u << (2 * g)), u2 = (uint8_t)(2u << (2 * g));
            for (int l = 0; l < 32; l++) {
                y[l] = d1 * (float)((ql[l] & 0x0F) + ((qh[l] & u1) ? 16 : 0)) - m1;
                y[l + 32] = d2 * (float)((ql[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
            }
        }
    }
}

// Q6_K: each half of 128 elements uses 64 bytes of ql, 32 of qh and 8 scales. For l in 0..<32:
//   element      l: low nibble of ql[l]      | qh[l] bits 0-1 << 4, scale sc[l/16]
//   element 32 + l: low nibble of ql[32 + l] | qh[l] bits 2-3 << 4, scale sc[2 + l/16]
//   element 64 + l: high nibble of ql[l]     | qh[l] bits 4-5 << 4, scale sc[4 + l/16]
//   element 96 + l: high nibble of ql[32 + l]| qh[l] bits 6-7 << 4, scale sc[6 + l/16]
static void dq_q6_k_scalar(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q6_k)) {
        const float d = f16_to_f32_scalar(load_u16(x + 208));
        const uint8_t *ql = x;
        const uint8_t *qh = x + 128;
        const int8_t *sc = (const int8_t *)(x + 192);
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, y += 128) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = (int)((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = (int)((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * (float)sc[is + 0] * (float)q1;
                y[l + 32] = d * (float)sc[is + 2] * (float)q2;
                y[l + 64] = d * (float)sc[is + 4] * (float)q3;
                y[l + 96] = d * (float)sc[is + 6] * (float)q4;
            }
        }
    }
}

// MARK: - AVX2 / F16C kernels (hot path)

#if TK_QUANT_SIMD

// Widens 16 unsigned bytes to two vectors of 8 floats (bytes 0-7, 8-15).
static inline void u8x16_to_f32(__m128i q, __m256 *lo, __m256 *hi) {
    *lo = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q));
    *hi = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(q, 8)));
}

static inline void i8x16_to_f32(__m128i q, __m256 *lo, __m256 *hi) {
    *lo = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
    *hi = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q, 8)));
}

#if defined(__FMA__)
#define TK_MULADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#define TK_MULSUB(a, b, c) _mm256_fmsub_ps(a, b, c)
#else
#define TK_MULADD(a, b, c) _mm256_add_ps(_mm256_mul_ps(a, b), c)
#define TK_MULSUB(a, b, c) _mm256_sub_ps(_mm256_mul_ps(a, b), c)
#endif

// y[0..16) = q*d + m for unsigned bytes.
static inline void store_affine16(float *y, __m128i q, __m256 d, __m256 m) {
    __m256 a, b;
    u8x16_to_f32(q, &a, &b);
    _mm256_storeu_ps(y, TK_MULADD(a, d, m));
    _mm256_storeu_ps(y + 8, TK_MULADD(b, d, m));
}

// y[0..16) = d*q - m for unsigned bytes.
static inline void store_scale_sub16(float *y, __m128i q, __m256 d, __m256 m) {
    __m256 a, b;
    u8x16_to_f32(q, &a, &b);
    _mm256_storeu_ps(y, TK_MULSUB(d, a, m));
    _mm256_storeu_ps(y + 8, TK_MULSUB(d, b, m));
}

// y[0..16) = q*d for signed bytes.
static inline void store_scaled_i8x16(float *y, __m128i q, __m256 d) {
    __m256 a, b;
    i8x16_to_f32(q, &a, &b);
    _mm256_storeu_ps(y, _mm256_mul_ps(a, d));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(b, d));
}

// 0xFF in byte i where bit i of the 32-bit word is set (ggml's bytes_from_bits_32).
static inline __m256i bytes_from_bits32(uint32_t bits) {
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                              0x0101010101010101, 0x0000000000000000);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuffle);
    bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7FBFDFEFF7FBFDFE));
    return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
}

static void dq_f16_avx2(const uint8_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i))));
        _mm256_storeu_ps(y + i + 8, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i + 16))));
        _mm256_storeu_ps(y + i + 16, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i + 32))));
        _mm256_storeu_ps(y + i + 24, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i + 48))));
    }
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i))));
    }
    for (; i < n; i++) y[i] = _cvtsh_ss(load_u16(x + 2 * i));
}

// bfloat16 is the top half of a float: interleave zero words below each value.
static inline __m256 bf16x8_to_f32(const uint8_t *p) {
    const __m128i h = _mm_loadu_si128((const __m128i *)p);
    const __m128i z = _mm_setzero_si128();
    return _mm256_castsi256_ps(_mm256_set_m128i(_mm_unpackhi_epi16(z, h), _mm_unpacklo_epi16(z, h)));
}

static void dq_bf16_avx2(const uint8_t *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm256_storeu_ps(y + i, bf16x8_to_f32(x + 2 * i));
        _mm256_storeu_ps(y + i + 8, bf16x8_to_f32(x + 2 * i + 16));
        _mm256_storeu_ps(y + i + 16, bf16x8_to_f32(x + 2 * i + 32));
        _mm256_storeu_ps(y + i + 24, bf16x8_to_f32(x + 2 * i + 48));
    }
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, bf16x8_to_f32(x + 2 * i));
    for (; i < n; i++) y[i] = bits_to_f32((uint32_t)load_u16(x + 2 * i) << 16);
}

static void dq_q4_0_avx2(const uint8_t *x, float *y, int64_t nb) {
    const __m128i m4 = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_0), y += TK_QK32) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(load_u16(x)));
        const __m128i raw = _mm_loadu_si128((const __m128i *)(x + 2));
        const __m128i lo = _mm_sub_epi8(_mm_and_si128(raw, m4), eight);
        const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), eight);
        store_scaled_i8x16(y, lo, d);
        store_scaled_i8x16(y + 16, hi, d);
    }
}

static void dq_q4_1_avx2(const uint8_t *x, float *y, int64_t nb) {
    const __m128i m4 = _mm_set1_epi8(0x0F);
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_1), y += TK_QK32) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(load_u16(x)));
        const __m256 m = _mm256_set1_ps(_cvtsh_ss(load_u16(x + 2)));
        const __m128i raw = _mm_loadu_si128((const __m128i *)(x + 4));
        store_affine16(y, _mm_and_si128(raw, m4), d, m);
        store_affine16(y + 16, _mm_and_si128(_mm_srli_epi16(raw, 4), m4), d, m);
    }
}

// Q5_0/Q5_1: 32 five-bit values as bytes, element i in byte i.
static inline __m256i q5_bytes(const uint8_t *qs, uint32_t qh) {
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const __m128i raw = _mm_loadu_si128((const __m128i *)qs);
    const __m128i lo = _mm_and_si128(raw, m4);
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(raw, 4), m4);
    const __m256i low4 = _mm256_set_m128i(hi, lo);
    const __m256i bit4 = _mm256_and_si256(bytes_from_bits32(qh), _mm256_set1_epi8(0x10));
    return _mm256_or_si256(low4, bit4);
}

static void dq_q5_0_avx2(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_0), y += TK_QK32) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(load_u16(x)));
        const __m256i q = _mm256_sub_epi8(q5_bytes(x + 6, load_u32(x + 2)), _mm256_set1_epi8(16));
        store_scaled_i8x16(y, _mm256_castsi256_si128(q), d);
        store_scaled_i8x16(y + 16, _mm256_extracti128_si256(q, 1), d);
    }
}

static void dq_q5_1_avx2(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_1), y += TK_QK32) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(load_u16(x)));
        const __m256 m = _mm256_set1_ps(_cvtsh_ss(load_u16(x + 2)));
        const __m256i q = q5_bytes(x + 8, load_u32(x + 4));
        store_affine16(y, _mm256_castsi256_si128(q), d, m);
        store_affine16(y + 16, _mm256_extracti128_si256(q, 1), d, m);
    }
}

static void dq_q8_0_avx2(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q8_0), y += TK_QK32) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(load_u16(x)));
        for (int k = 0; k < 4; k++) {
            const __m128i q = _mm_loadl_epi64((const __m128i *)(x + 2 + 8 * k));
            _mm256_storeu_ps(y + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d));
        }
    }
}

// Stores 32 unsigned bytes as d*q - m (elements 0..31 of a K sub-block).
static inline void store_k_sub32(float *y, __m256i q, float d, float m) {
    const __m256 vd = _mm256_set1_ps(d), vm = _mm256_set1_ps(m);
    store_scale_sub16(y, _mm256_castsi256_si128(q), vd, vm);
    store_scale_sub16(y + 16, _mm256_extracti128_si256(q, 1), vd, vm);
}

static void dq_q4_k_avx2(const uint8_t *x, float *y, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q4_k)) {
        const float d = _cvtsh_ss(load_u16(x));
        const float dmin = _cvtsh_ss(load_u16(x + 2));
        const uint8_t *scales = x + 4;
        const uint8_t *q = x + 16;
        for (int g = 0; g < 4; g++, q += 32, y += 64) {
            uint8_t sc, m;
            tk_quant_scale_min_k4(2 * g, scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            tk_quant_scale_min_k4(2 * g + 1, scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            const __m256i raw = _mm256_loadu_si256((const __m256i *)q);
            store_k_sub32(y, _mm256_and_si256(raw, m4), d1, m1);
            store_k_sub32(y + 32, _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4), d2, m2);
        }
    }
}

static void dq_q5_k_avx2(const uint8_t *x, float *y, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), bit4 = _mm256_set1_epi8(0x10);
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q5_k)) {
        const float d = _cvtsh_ss(load_u16(x));
        const float dmin = _cvtsh_ss(load_u16(x + 2));
        const uint8_t *scales = x + 4;
        const __m256i qh = _mm256_loadu_si256((const __m256i *)(x + 16));
        const uint8_t *ql = x + 48;
        for (int g = 0; g < 4; g++, ql += 32, y += 64) {
            uint8_t sc, m;
            tk_quant_scale_min_k4(2 * g, scales, &sc, &m);
            const float d1 = d * (float)sc, m1 = dmin * (float)m;
            tk_quant_scale_min_k4(2 * g + 1, scales, &sc, &m);
            const float d2 = d * (float)sc, m2 = dmin * (float)m;
            const __m256i u1 = _mm256_set1_epi8((char)(1u << (2 * g)));
            const __m256i u2 = _mm256_set1_epi8((char)(2u << (2 * g)));
            const __m256i h1 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u1), u1), bit4);
            const __m256i h2 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, u2), u2), bit4);
            const __m256i raw = _mm256_loadu_si256((const __m256i *)ql);
            store_k_sub32(y, _mm256_or_si256(_mm256_and_si256(raw, m4), h1), d1, m1);
            store_k_sub32(y + 32, _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(raw, 4), m4), h2), d2, m2);
        }
    }
}

// 32 signed bytes to floats: the first 16 scaled by s0, the next 16 by s1.
static inline void store_q6_sub32(float *y, __m256i q, float s0, float s1) {
    store_scaled_i8x16(y, _mm256_castsi256_si128(q), _mm256_set1_ps(s0));
    store_scaled_i8x16(y + 16, _mm256_extracti128_si256(q, 1), _mm256_set1_ps(s1));
}

static void dq_q6_k_avx2(const uint8_t *x, float *y, int64_t nb) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(0x03);
    const __m256i m2hi = _mm256_set1_epi8(0x30), off = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < nb; i++, x += sizeof(tk_block_q6_k)) {
        const float d = _cvtsh_ss(load_u16(x + 208));
        const uint8_t *ql = x;
        const uint8_t *qhp = x + 128;
        const int8_t *sc = (const int8_t *)(x + 192);
        for (int half = 0; half < 2; half++, ql += 64, qhp += 32, sc += 8, y += 128) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)qhp);
            // Shifts are 16-bit wide; the masks drop the bits that cross byte boundaries.
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l0, m4),
                                               _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(l1, m4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                               _mm256_and_si256(qh, m2hi));
            const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                               _mm256_and_si256(_mm256_srli_epi16(qh, 2), m2hi));
            store_q6_sub32(y, _mm256_sub_epi8(q1, off), d * (float)sc[0], d * (float)sc[1]);
            store_q6_sub32(y + 32, _mm256_sub_epi8(q2, off), d * (float)sc[2], d * (float)sc[3]);
            store_q6_sub32(y + 64, _mm256_sub_epi8(q3, off), d * (float)sc[4], d * (float)sc[5]);
            store_q6_sub32(y + 96, _mm256_sub_epi8(q4, off), d * (float)sc[6], d * (float)sc[7]);
        }
    }
}

#endif // TK_QUANT_SIMD

// MARK: - Entry points

int32_t tk_dequantize_has_simd(void) { return TK_QUANT_SIMD; }

#if TK_QUANT_SIMD
#define TK_DQ(name) dq_##name##_avx2
#else
#define TK_DQ(name) dq_##name##_scalar
#endif

void tk_dequantize_row_f16(const void *src, float *dst, int64_t n) {
    TK_DQ(f16)(src, dst, checked_blocks(TK_TYPE_F16, n));
}
void tk_dequantize_row_bf16(const void *src, float *dst, int64_t n) {
    TK_DQ(bf16)(src, dst, checked_blocks(TK_TYPE_BF16, n));
}
void tk_dequantize_row_q4_0(const void *src, float *dst, int64_t n) {
    TK_DQ(q4_0)(src, dst, checked_blocks(TK_TYPE_Q4_0, n));
}
void tk_dequantize_row_q4_1(const void *src, float *dst, int64_t n) {
    TK_DQ(q4_1)(src, dst, checked_blocks(TK_TYPE_Q4_1, n));
}
void tk_dequantize_row_q5_0(const void *src, float *dst, int64_t n) {
    TK_DQ(q5_0)(src, dst, checked_blocks(TK_TYPE_Q5_0, n));
}
void tk_dequantize_row_q5_1(const void *src, float *dst, int64_t n) {
    TK_DQ(q5_1)(src, dst, checked_blocks(TK_TYPE_Q5_1, n));
}
void tk_dequantize_row_q8_0(const void *src, float *dst, int64_t n) {
    TK_DQ(q8_0)(src, dst, checked_blocks(TK_TYPE_Q8_0, n));
}
void tk_dequantize_row_q4_k(const void *src, float *dst, int64_t n) {
    TK_DQ(q4_k)(src, dst, checked_blocks(TK_TYPE_Q4_K, n));
}
void tk_dequantize_row_q5_k(const void *src, float *dst, int64_t n) {
    TK_DQ(q5_k)(src, dst, checked_blocks(TK_TYPE_Q5_K, n));
}
void tk_dequantize_row_q6_k(const void *src, float *dst, int64_t n) {
    TK_DQ(q6_k)(src, dst, checked_blocks(TK_TYPE_Q6_K, n));
}

void tk_dequantize_row(int32_t type, const void *src, float *dst, int64_t n) {
    switch (type) {
    case TK_TYPE_F32:
        checked_blocks(type, n);
        if (n > 0) memcpy(dst, src, (size_t)n * sizeof(float));
        return;
    case TK_TYPE_F16: tk_dequantize_row_f16(src, dst, n); return;
    case TK_TYPE_BF16: tk_dequantize_row_bf16(src, dst, n); return;
    case TK_TYPE_Q4_0: tk_dequantize_row_q4_0(src, dst, n); return;
    case TK_TYPE_Q4_1: tk_dequantize_row_q4_1(src, dst, n); return;
    case TK_TYPE_Q5_0: tk_dequantize_row_q5_0(src, dst, n); return;
    case TK_TYPE_Q5_1: tk_dequantize_row_q5_1(src, dst, n); return;
    case TK_TYPE_Q8_0: tk_dequantize_row_q8_0(src, dst, n); return;
    case TK_TYPE_Q4_K: tk_dequantize_row_q4_k(src, dst, n); return;
    case TK_TYPE_Q5_K: tk_dequantize_row_q5_k(src, dst, n); return;
    case TK_TYPE_Q6_K: tk_dequantize_row_q6_k(src, dst, n); return;
    default: tk_quant_fail("unknown type", type, n);
    }
}

void tk_dequantize_row_scalar(int32_t type, const void *src, float *dst, int64_t n) {
    const int64_t nb = checked_blocks(type, n);
    const uint8_t *x = src;
    switch (type) {
    case TK_TYPE_F32: if (n > 0) memcpy(dst, src, (size_t)n * sizeof(float)); return;
    case TK_TYPE_F16: dq_f16_scalar(x, dst, nb); return;
    case TK_TYPE_BF16: dq_bf16_scalar(x, dst, nb); return;
    case TK_TYPE_Q4_0: dq_q4_0_scalar(x, dst, nb); return;
    case TK_TYPE_Q4_1: dq_q4_1_scalar(x, dst, nb); return;
    case TK_TYPE_Q5_0: dq_q5_0_scalar(x, dst, nb); return;
    case TK_TYPE_Q5_1: dq_q5_1_scalar(x, dst, nb); return;
    case TK_TYPE_Q8_0: dq_q8_0_scalar(x, dst, nb); return;
    case TK_TYPE_Q4_K: dq_q4_k_scalar(x, dst, nb); return;
    case TK_TYPE_Q5_K: dq_q5_k_scalar(x, dst, nb); return;
    case TK_TYPE_Q6_K: dq_q6_k_scalar(x, dst, nb); return;
    default: tk_quant_fail("unknown type", type, n);
    }
}
