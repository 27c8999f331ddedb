// quantize.c — float32 to ggml block formats: ggml's reference quantisers (quantize_row_*_ref).
//
// These build weights for tests and fixtures, not a hot path: plain scalar C. The legacy
// formats (Q4_0 … Q8_0) and F16/BF16 reproduce ggml/gguf-py bit for bit (checked against gguf-py
// in the tests). The K formats follow ggml's *_ref code (make_qkx2_quants / make_qx_quants);
// gguf-py has no K quantiser to compare with, so they are checked by round-trip error instead.
//
// As in dequant.c, TK_NOFUSE keeps a product rounded before the following add so that the
// -ffp-contract=fast build evaluates ggml's expressions with one rounding per operation.
#include "ctk_quant.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__F16C__)
#include <immintrin.h>
#endif

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define TK_NOFUSE(v) __asm__("" : "+x"(v))
#elif defined(__GNUC__) && defined(__aarch64__)
#define TK_NOFUSE(v) __asm__("" : "+w"(v))
#else
#define TK_NOFUSE(v) do { volatile float tk_nofuse_ = (v); (v) = tk_nofuse_; } while (0)
#endif

#define TK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TK_MAX(a, b) ((a) > (b) ? (a) : (b))

// MARK: - Half and bfloat16

static inline uint32_t f32_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

// Round to nearest even on the bit pattern; no floating-point arithmetic, so no FMA hazards.
static uint16_t f32_to_f16_scalar(float f) {
    const uint32_t x = f32_bits(f);
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7FFFFFFFu;
    if (ax > 0x7F800000u) return (uint16_t)(sign | 0x7E00u | ((ax >> 13) & 0x3FFu)); // NaN, quiet
    if (ax >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u);  // >= 65520 rounds to inf
    if (ax >= 0x38800000u) {                                    // normal half (>= 2^-14)
        uint32_t r = ax - ((uint32_t)(127 - 15) << 23);
        r += 0x0FFFu + ((r >> 13) & 1u);
        return (uint16_t)(sign | (r >> 13));
    }
    if (ax < 0x33000000u) return sign;                          // <= 2^-25 rounds to zero
    // Subnormal half: units of 2^-24.
    const uint32_t e = ax >> 23;
    const uint32_t m = (ax & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126u - e;                            // 14 … 24
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (uint16_t)(sign | q);
}

uint16_t tk_quant_f32_to_f16(float f) {
#if defined(__F16C__)
    return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
#else
    return f32_to_f16_scalar(f);
#endif
}

uint16_t tk_quant_f32_to_bf16(float f) {
    const uint32_t u = f32_bits(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 64u); // force quiet NaN
    return (uint16_t)((u + (0x7FFFu + ((u >> 16) & 1u))) >> 16);
}

static inline void store_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof v); }
static inline uint16_t load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, sizeof v); return v; }
static inline uint16_t fp16(float f) { return tk_quant_f32_to_f16(f); }
static inline float unfp16(uint16_t h) { return tk_quant_f16_to_f32(h); }

// MARK: - Legacy formats (32-element blocks)

static void q_q4_0(const float *x, uint8_t *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += TK_QK32, y += sizeof(tk_block_q4_0)) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < TK_QK32; j++) {
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        }
        const float d = max / -8;
        const float id = d ? 1.0f / d : 0.0f;
        store_u16(y, fp16(d));
        for (int j = 0; j < 16; j++) {
            float x0 = x[j] * id, x1 = x[j + 16] * id;
            TK_NOFUSE(x0);
            TK_NOFUSE(x1);
            const uint8_t xi0 = (uint8_t)TK_MIN(15, (int8_t)(x0 + 8.5f));
            const uint8_t xi1 = (uint8_t)TK_MIN(15, (int8_t)(x1 + 8.5f));
            y[2 + j] = (uint8_t)(xi0 | (xi1 << 4));
        }
    }
}

static void q_q4_1(const float *x, uint8_t *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += TK_QK32, y += sizeof(tk_block_q4_1)) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < TK_QK32; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / ((1 << 4) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        store_u16(y, fp16(d));
        store_u16(y + 2, fp16(min));
        for (int j = 0; j < 16; j++) {
            float x0 = (x[j] - min) * id, x1 = (x[j + 16] - min) * id;
            TK_NOFUSE(x0);
            TK_NOFUSE(x1);
            const uint8_t xi0 = (uint8_t)TK_MIN(15, (int8_t)(x0 + 0.5f));
            const uint8_t xi1 = (uint8_t)TK_MIN(15, (int8_t)(x1 + 0.5f));
            y[4 + j] = (uint8_t)(xi0 | (xi1 << 4));
        }
    }
}

static void q_q5_0(const float *x, uint8_t *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += TK_QK32, y += sizeof(tk_block_q5_0)) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < TK_QK32; j++) {
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        }
        const float d = max / -16;
        const float id = d ? 1.0f / d : 0.0f;
        store_u16(y, fp16(d));
        uint32_t qh = 0;
        for (int j = 0; j < 16; j++) {
            float x0 = x[j] * id, x1 = x[j + 16] * id;
            TK_NOFUSE(x0);
            TK_NOFUSE(x1);
            const uint8_t xi0 = (uint8_t)TK_MIN(31, (int8_t)(x0 + 16.5f));
            const uint8_t xi1 = (uint8_t)TK_MIN(31, (int8_t)(x1 + 16.5f));
            y[6 + j] = (uint8_t)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
            qh |= ((xi1 & 0x10u) >> 4) << (j + 16);
        }
        memcpy(y + 2, &qh, sizeof qh);
    }
}

static void q_q5_1(const float *x, uint8_t *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += TK_QK32, y += sizeof(tk_block_q5_1)) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < TK_QK32; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / ((1 << 5) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        store_u16(y, fp16(d));
        store_u16(y + 2, fp16(min));
        uint32_t qh = 0;
        for (int j = 0; j < 16; j++) {
            float x0 = (x[j] - min) * id, x1 = (x[j + 16] - min) * id;
            TK_NOFUSE(x0);
            TK_NOFUSE(x1);
            const uint8_t xi0 = (uint8_t)(x0 + 0.5f);
            const uint8_t xi1 = (uint8_t)(x1 + 0.5f);
            y[8 + j] = (uint8_t)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
            qh |= ((xi1 & 0x10u) >> 4) << (j + 16);
        }
        memcpy(y + 4, &qh, sizeof qh);
    }
}

static void q_q8_0(const float *x, uint8_t *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += TK_QK32, y += sizeof(tk_block_q8_0)) {
        float amax = 0.0f;
        for (int j = 0; j < TK_QK32; j++) amax = TK_MAX(amax, fabsf(x[j]));
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        store_u16(y, fp16(d));
        for (int j = 0; j < TK_QK32; j++) y[2 + j] = (uint8_t)(int8_t)roundf(x[j] * id);
    }
}

// MARK: - K formats (256-element super-blocks)

#define GROUP_MAX_EPS 1e-15f

static inline int nearest_int(float fval) {
    // Valid for |fval| <= 4194303: adding 1.5 * 2^23 leaves the rounded integer in the mantissa.
    float val = fval + 12582912.f;
    int i;
    memcpy(&i, &val, sizeof(int));
    return (i & 0x007FFFFF) - 0x00400000;
}

static float make_qx_quants(int n, int nmax, const float *x, int8_t *L, int rmse_type, const float *qw) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GROUP_MAX_EPS) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    if (rmse_type == 0) {
        for (int i = 0; i < n; ++i) {
            const int l = nearest_int(iscale * x[i]);
            L[i] = (int8_t)(nmax + TK_MAX(-nmax, TK_MIN(nmax - 1, l)));
        }
        return 1 / iscale;
    }
    bool return_early = false;
    if (rmse_type < 0) {
        rmse_type = -rmse_type;
        return_early = true;
    }
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearest_int(iscale * x[i]);
        l = TK_MAX(-nmax, TK_MIN(nmax - 1, l));
        L[i] = (int8_t)(l + nmax);
        const float w = qw ? qw[i] : rmse_type == 1 ? x[i] * x[i] : rmse_type == 2 ? 1 : rmse_type == 3 ? fabsf(x[i]) : sqrtf(fabsf(x[i]));
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    if (return_early) return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale * x[i]);
            l = TK_MAX(-nmax, TK_MIN(nmax - 1, l));
            const float w = qw ? qw[i] : rmse_type == 1 ? x[i] * x[i] : rmse_type == 2 ? 1 : rmse_type == 3 ? fabsf(x[i]) : sqrtf(fabsf(x[i]));
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                const int l = nearest_int(iscale * x[i]);
                L[i] = (int8_t)(nmax + TK_MAX(-nmax, TK_MIN(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

static float make_qkx2_quants(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep, bool use_mad) {
    float min = x[0], max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearest_int(iscale * (x[i] - min));
        L[i] = (uint8_t)TK_MAX(0, TK_MIN(nmax, l));
        float diff = scale * L[i] + min - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        best_error += weights[i] * diff;
    }
    if (nstep < 1) {
        *the_min = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale * (x[i] - min));
            l = TK_MAX(0, TK_MIN(nmax, l));
            Laux[i] = (uint8_t)l;
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float cur_error = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? fabsf(diff) : diff * diff;
                cur_error += weights[i] * diff;
            }
            if (cur_error < best_error) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                best_error = cur_error;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

// Packs 6-bit scales/mins of the 8 sub-blocks the way tk_quant_scale_min_k4 unpacks them.
static void pack_scales_k4(uint8_t *scales, const uint8_t *ls, const uint8_t *lm) {
    memset(scales, 0, 12);
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            scales[j] = ls[j];
            scales[j + 4] = lm[j];
        } else {
            scales[j + 4] = (uint8_t)((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
            scales[j - 4] |= (uint8_t)((ls[j] >> 4) << 6);
            scales[j - 0] |= (uint8_t)((lm[j] >> 4) << 6);
        }
    }
}

// Shared by Q4_K (nmax 15) and Q5_K (nmax 31): sub-block scales/mins, the packed 6-bit
// scales, d/dmin, and the final levels L[256] against the rounded scales.
static void quantize_k_scales(const float *x, uint8_t *y, uint8_t *L, int nmax, float rmin, int nstep) {
    uint8_t Laux[32];
    float weights[32], mins[8], scales[8];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; ++j) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f, nstep, false);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    uint8_t ls[8], lm[8];
    for (int j = 0; j < 8; ++j) {
        ls[j] = (uint8_t)TK_MIN(63, (uint8_t)nearest_int(inv_scale * scales[j]));
        lm[j] = (uint8_t)TK_MIN(63, (uint8_t)nearest_int(inv_min * mins[j]));
    }
    pack_scales_k4(y + 4, ls, lm);
    store_u16(y, fp16(max_scale / 63.f));
    store_u16(y + 2, fp16(max_min / 63.f));

    const float dall = unfp16(load_u16(y)), mall = unfp16(load_u16(y + 2));
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        tk_quant_scale_min_k4(j, y + 4, &sc, &m);
        const float d = dall * sc;
        if (!d) continue;
        const float dm = mall * m;
        for (int ii = 0; ii < 32; ++ii) {
            int l = nearest_int((x[32 * j + ii] + dm) / d);
            L[32 * j + ii] = (uint8_t)TK_MAX(0, TK_MIN(nmax, l));
        }
    }
}

static void q_q4_k(const float *x, uint8_t *y, int64_t nb) {
    uint8_t L[TK_QK_K];
    for (int64_t i = 0; i < nb; i++, x += TK_QK_K, y += sizeof(tk_block_q4_k)) {
        quantize_k_scales(x, y, L, 15, -1.f, 20);
        uint8_t *q = y + 16;
        for (int j = 0; j < TK_QK_K; j += 64, q += 32) {
            for (int l = 0; l < 32; ++l) q[l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
        }
    }
}

static void q_q5_k(const float *x, uint8_t *y, int64_t nb) {
    uint8_t L[TK_QK_K];
    for (int64_t i = 0; i < nb; i++, x += TK_QK_K, y += sizeof(tk_block_q5_k)) {
        quantize_k_scales(x, y, L, 31, -0.5f, 15);
        uint8_t *qh = y + 16;
        uint8_t *ql = y + 48;
        memset(qh, 0, TK_QK_K / 8);
        uint8_t m1 = 1, m2 = 2;
        for (int n = 0; n < TK_QK_K; n += 64, ql += 32) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[n + j];
                if (l1 > 15) { l1 -= 16; qh[j] |= m1; }
                int l2 = L[n + j + 32];
                if (l2 > 15) { l2 -= 16; qh[j] |= m2; }
                ql[j] = (uint8_t)(l1 | (l2 << 4));
            }
            m1 = (uint8_t)(m1 << 2);
            m2 = (uint8_t)(m2 << 2);
        }
    }
}

static void q_q6_k(const float *x, uint8_t *y, int64_t nb) {
    int8_t L[TK_QK_K];
    float scales[TK_QK_K / 16];
    for (int64_t i = 0; i < nb; i++, x += TK_QK_K, y += sizeof(tk_block_q6_k)) {
        float max_scale = 0, max_abs_scale = 0;
        for (int ib = 0; ib < TK_QK_K / 16; ++ib) {
            const float scale = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib, 1, NULL);
            scales[ib] = scale;
            const float abs_scale = fabsf(scale);
            if (abs_scale > max_abs_scale) {
                max_abs_scale = abs_scale;
                max_scale = scale;
            }
        }
        uint8_t *ql = y, *qh = y + 128;
        int8_t *sc = (int8_t *)(y + 192);
        if (max_abs_scale < GROUP_MAX_EPS) {
            memset(y, 0, sizeof(tk_block_q6_k));
            continue;
        }
        const float iscale = -128.f / max_scale;
        store_u16(y + 208, fp16(1 / iscale));
        for (int ib = 0; ib < TK_QK_K / 16; ++ib) sc[ib] = (int8_t)TK_MIN(127, nearest_int(iscale * scales[ib]));
        const float dall = unfp16(load_u16(y + 208));
        for (int j = 0; j < TK_QK_K / 16; ++j) {
            const float d = dall * sc[j];
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearest_int(x[16 * j + ii] / d);
                l = TK_MAX(-32, TK_MIN(31, l));
                L[16 * j + ii] = (int8_t)(l + 32);
            }
        }
        for (int j = 0; j < TK_QK_K; j += 128, ql += 64, qh += 32) {
            for (int l = 0; l < 32; ++l) {
                const uint8_t q1 = L[j + l + 0] & 0xF;
                const uint8_t q2 = L[j + l + 32] & 0xF;
                const uint8_t q3 = L[j + l + 64] & 0xF;
                const uint8_t q4 = L[j + l + 96] & 0xF;
                ql[l + 0] = (uint8_t)(q1 | (q3 << 4));
                ql[l + 32] = (uint8_t)(q2 | (q4 << 4));
                qh[l] = (uint8_t)((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
            }
        }
    }
}

// MARK: - Entry point

size_t tk_quantize_row(int32_t type, const float *src, void *dst, int64_t n) {
    const int32_t qk = tk_block_size(type);
    if (qk == 0) return 0;
    if (n < 0 || n % qk != 0) {
        fprintf(stderr, "CTKKernels quantize: n is not a multiple of the block size (type %d, n %lld)\n",
                (int)type, (long long)n);
        abort();
    }
    const int64_t nb = n / qk;
    uint8_t *y = dst;
    switch (type) {
    case TK_TYPE_F32:
        if (n > 0) memcpy(dst, src, (size_t)n * sizeof(float));
        break;
    case TK_TYPE_F16:
        for (int64_t i = 0; i < n; i++) store_u16(y + 2 * i, fp16(src[i]));
        break;
    case TK_TYPE_BF16:
        for (int64_t i = 0; i < n; i++) store_u16(y + 2 * i, tk_quant_f32_to_bf16(src[i]));
        break;
    case TK_TYPE_Q4_0: q_q4_0(src, y, nb); break;
    case TK_TYPE_Q4_1: q_q4_1(src, y, nb); break;
    case TK_TYPE_Q5_0: q_q5_0(src, y, nb); break;
    case TK_TYPE_Q5_1: q_q5_1(src, y, nb); break;
    case TK_TYPE_Q8_0: q_q8_0(src, y, nb); break;
    case TK_TYPE_Q4_K: q_q4_k(src, y, nb); break;
    case TK_TYPE_Q5_K: q_q5_k(src, y, nb); break;
    case TK_TYPE_Q6_K: q_q6_k(src, y, nb); break;
    default: return 0;
    }
    return tk_row_size(type, n);
}

// Exposed for the tests: the portable half conversion, whatever this build uses.
uint16_t tk_quant_f32_to_f16_scalar(float f) { return f32_to_f16_scalar(f); }
