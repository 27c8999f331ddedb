// Elementwise and row-wise kernels: RMSNorm, RoPE, SwiGLU, masked softmax, log-sum-exp.
// Accumulation is float32 (double only where it costs nothing, for RoPE angles), to stay within
// rounding of a float32 PyTorch forward on the same weights.
#include "ctk_kernels.h"
#include <stdlib.h>
#include <math.h>

void tk_rmsnorm(const float *x, const float *weight, float *out, int64_t n, int64_t dim, float eps) {
    for (int64_t t = 0; t < n; t++) {
        const float *row = x + t * dim;
        float ss = 0.0f;
        for (int64_t i = 0; i < dim; i++) ss += row[i] * row[i];
        const float scale = 1.0f / sqrtf(ss / (float)dim + eps);
        float *o = out + t * dim;
        for (int64_t i = 0; i < dim; i++) o[i] = row[i] * scale * weight[i];
    }
}

void tk_rope(float *x, int64_t n, int64_t ld, int64_t heads, int64_t head_dim, int64_t rope_dim,
             const int32_t *positions, float freq_base, int neox) {
    tk_rope_scaled(x, n, ld, heads, head_dim, rope_dim, positions, freq_base, neox, NULL);
}

void tk_rope_scaled(float *x, int64_t n, int64_t ld, int64_t heads, int64_t head_dim, int64_t rope_dim,
                    const int32_t *positions, float freq_base, int neox, const float *freq_factors) {
    const int64_t half = rope_dim / 2;
    float cosv[512], sinv[512];
    for (int64_t t = 0; t < n; t++) {
        const float pos = (float)positions[t];
        for (int64_t i = 0; i < half && i < 512; i++) {
            // Same recipe as the float32 reference: inv_freq in float, angle = pos * inv_freq.
            float inv_freq = 1.0f / powf(freq_base, (float)(2 * i) / (float)rope_dim);
            if (freq_factors) inv_freq /= freq_factors[i];
            const float angle = pos * inv_freq;
            cosv[i] = cosf(angle);
            sinv[i] = sinf(angle);
        }
        float *row = x + t * ld;
        for (int64_t h = 0; h < heads; h++) {
            float *v = row + h * head_dim;
            if (neox) {
                for (int64_t i = 0; i < half; i++) {
                    const float a = v[i], b = v[i + half];
                    v[i] = a * cosv[i] - b * sinv[i];
                    v[i + half] = a * sinv[i] + b * cosv[i];
                }
            } else {
                for (int64_t i = 0; i < half; i++) {
                    const float a = v[2 * i], b = v[2 * i + 1];
                    v[2 * i] = a * cosv[i] - b * sinv[i];
                    v[2 * i + 1] = a * sinv[i] + b * cosv[i];
                }
            }
        }
    }
}

void tk_swiglu(float *gate, const float *up, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        const float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

void tk_geglu_tanh(float *gate, const float *up, int64_t count) {
    const float k = 0.7978845608028654f;  // √(2/π)
    for (int64_t i = 0; i < count; i++) {
        const float g = gate[i];
        gate[i] = 0.5f * g * (1.0f + tanhf(k * (g + 0.044715f * g * g * g))) * up[i];
    }
}

void tk_softcap(float *y, int64_t count, float cap) {
    const float inv = 1.0f / cap;
    for (int64_t i = 0; i < count; i++) y[i] = cap * tanhf(y[i] * inv);
}

void tk_mask_sliding_window(float *scores, int64_t n, int64_t ld, int64_t prefix, int64_t cols,
                            const int32_t *positions, int64_t row0, int64_t window) {
    for (int64_t i = 0; i < n; i++) {
        const int64_t query = positions[row0 + i];
        float *row = scores + i * ld;
        for (int64_t c = 0; c < cols; c++) {
            const int64_t key = c < prefix ? c : positions[c - prefix];
            if (query - key >= window) row[c] = -INFINITY;
        }
    }
}

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
// exp for 8 floats: range reduction x = k ln2 + r, degree-6 polynomial on r (Cephes coefficients),
// relative error ~2 ulp over the float range; inputs below -87.3 give 0.
static inline __m256 exp256(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365478515625f);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i k = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(k));
}

// Natural log for 8 positive floats: x = m·2^e with m in [√½, √2), degree-8 polynomial on m − 1
// (Cephes logf coefficients), ~1 ulp; callers pass only finite positive values.
static inline __m256 log256(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256i xi = _mm256_castps_si256(x);
    __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(xi, 23), _mm256_set1_epi32(127)));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(xi, _mm256_set1_epi32(0x007fffff)),
                                                   _mm256_set1_epi32(0x3f800000)));  // m in [1, 2)
    // Fold m into [√½, √2) so the polynomial stays accurate near 1.
    __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356237f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    e = _mm256_add_ps(e, _mm256_and_ps(big, one));
    __m256 r = _mm256_sub_ps(m, one);
    __m256 z = _mm256_mul_ps(r, r);
    __m256 y = _mm256_set1_ps(7.0376836292E-2f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(-1.1514610310E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.1676998740E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(-1.2420140846E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.4249322787E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(-1.6668057665E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(2.0000714765E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(-2.4999993993E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(3.3333331174E-1f));
    y = _mm256_mul_ps(_mm256_mul_ps(y, r), z);
    y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
    __m256 res = _mm256_add_ps(r, y);
    return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693147180559945f), res);
}
#endif

// row[c] = exp(row[c] - maxv) for c in [0, count); returns the sum.
static float exp_shift_sum(float *row, int64_t count, float maxv) {
    int64_t c = 0;
    float sum = 0.0f;
#if defined(__AVX2__) && defined(__FMA__)
    __m256 acc = _mm256_setzero_ps();
    const __m256 m = _mm256_set1_ps(maxv);
    for (; c + 8 <= count; c += 8) {
        __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(row + c), m));
        _mm256_storeu_ps(row + c, e);
        acc = _mm256_add_ps(acc, e);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    for (int i = 0; i < 8; i++) sum += lanes[i];
#endif
    for (; c < count; c++) { row[c] = expf(row[c] - maxv); sum += row[c]; }
    return sum;
}

void tk_masked_softmax(float *scores, int64_t n, int64_t ld, int64_t prefix, int64_t cols,
                       const int32_t *segment, int64_t row0) {
    for (int64_t i = 0; i < n; i++) {
        const int64_t t = row0 + i;
        float *row = scores + i * ld;
        // Columns past prefix + t are never visible (causal); within the batch, other segments are hidden.
        const int64_t limit = prefix + t + 1 < cols ? prefix + t + 1 : cols;
        float maxv = -INFINITY;
        for (int64_t c = prefix; c < limit; c++) {
            if (segment[c - prefix] != segment[t]) row[c] = -INFINITY;
        }
        for (int64_t c = 0; c < limit; c++) if (row[c] > maxv) maxv = row[c];
        const float sum = exp_shift_sum(row, limit, maxv);  // exp(-inf) is 0 for hidden columns
        const float inv = 1.0f / sum;
        for (int64_t c = 0; c < limit; c++) row[c] *= inv;
        for (int64_t c = limit; c < cols; c++) row[c] = 0.0f;
    }
}

void tk_logsumexp_rows(const float *logits, int64_t n, int64_t vocab, float *lse) {
    // Tile by tile (TK_LOGIT_TILE columns), merged in tile order: the same arithmetic as the fused
    // output head (`tk_output_head_tile`), so full-row and fused paths give bit-identical numbers.
    enum { STACK_TILES = 512 };
    const int64_t tiles = (vocab + TK_LOGIT_TILE - 1) / TK_LOGIT_TILE;
    float maxes_stack[STACK_TILES]; int32_t args_stack[STACK_TILES]; double sums_stack[STACK_TILES];
    float *maxes = tiles <= STACK_TILES ? maxes_stack : malloc(sizeof(float) * (size_t)tiles);
    int32_t *args = tiles <= STACK_TILES ? args_stack : malloc(sizeof(int32_t) * (size_t)tiles);
    double *sums = tiles <= STACK_TILES ? sums_stack : malloc(sizeof(double) * (size_t)tiles);
    for (int64_t t = 0; t < n; t++) {
        const float *row = logits + t * vocab;
        for (int64_t i = 0; i < tiles; i++) {
            const int64_t c0 = i * TK_LOGIT_TILE, c1 = c0 + TK_LOGIT_TILE < vocab ? c0 + TK_LOGIT_TILE : vocab;
            tk_logit_tile_stats(row + c0, 1, vocab, c1 - c0, c0, maxes + i, args + i, sums + i);
        }
        int32_t best;
        tk_logit_merge_stats(maxes, args, sums, tiles, 1, lse + t, &best);
    }
    if (tiles > STACK_TILES) { free(maxes); free(args); free(sums); }
}

void tk_add_inplace(float *dst, const float *src, int64_t count) {
    for (int64_t i = 0; i < count; i++) dst[i] += src[i];
}

void tk_argmax_rows(const float *x, int64_t n, int64_t cols, int32_t *out) {
    for (int64_t t = 0; t < n; t++) {
        const float *row = x + t * cols;
        int64_t best = 0;
        for (int64_t c = 1; c < cols; c++) if (row[c] > row[best]) best = c;
        out[t] = (int32_t)best;
    }
}

void tk_attention_row(const float *q, const float *keys, const float *values, int64_t total, int64_t kv_ld,
                      int64_t head_dim, float scale, float *scores, float *out) {
    float maxv = -INFINITY;
    for (int64_t s = 0; s < total; s++) {
        const float *k = keys + s * kv_ld;
        float d = 0.0f;
#if defined(__AVX2__) && defined(__FMA__)
        // A float reduction is not auto-vectorised (it would reorder the sum), so write it out:
        // eight lanes, then a horizontal sum. A scalar chain was 1 FMA latency per element.
        int64_t i = 0;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        for (; i + 16 <= head_dim; i += 16) {
            acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_loadu_ps(k + i + 8), acc1);
        }
        for (; i + 8 <= head_dim; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), acc0);
        acc0 = _mm256_add_ps(acc0, acc1);
        __m128 lo = _mm_add_ps(_mm256_castps256_ps128(acc0), _mm256_extractf128_ps(acc0, 1));
        lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
        lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
        d = _mm_cvtss_f32(lo);
        for (; i < head_dim; i++) d += q[i] * k[i];
#else
        for (int64_t i = 0; i < head_dim; i++) d += q[i] * k[i];
#endif
        scores[s] = d * scale;
        if (scores[s] > maxv) maxv = scores[s];
    }
    const float sum = exp_shift_sum(scores, total, maxv);
    const float inv = 1.0f / sum;
    for (int64_t i = 0; i < head_dim; i++) out[i] = 0.0f;
    for (int64_t s = 0; s < total; s++) {
        const float p = scores[s] * inv;
        const float *v = values + s * kv_ld;
        for (int64_t i = 0; i < head_dim; i++) out[i] += p * v[i];
    }
}

// One element's Jensen–Shannon terms in DoLa's form: with m = (e^a + e^b)/2,
// m·(log m − a) + m·(log m − b); zero where both probabilities vanish.
static inline double js_term(float a, float b) {
    if (isnan(a) || isnan(b)) return NAN;  // a broken row must not look like a small divergence
    const double m = 0.5 * (exp((double)a) + exp((double)b));
    if (!(m > 0)) return 0.0;
    const double lm = log(m);
    return m * (lm - a) + m * (lm - b);
}

double tk_js_divergence_sum(const float *lp, const float *lq, int64_t n) {
    double total = 0.0;
    int64_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
    // m = e^max(a,b) · t with t = (1 + e^{−|a−b|}) / 2 in (½, 1]: its log never underflows, even
    // where both probabilities do (m is then ~0 and adds nothing). Infinite inputs are masked
    // here and redone exactly below.
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    while (i + 8 <= n) {
        // Blocks of 1024 accumulate in float lanes, then in double: terms are ≥ 0 and small.
        const int64_t end = (n - i) / 8 * 8 > 1024 ? i + 1024 : i + (n - i) / 8 * 8;
        __m256 acc = _mm256_setzero_ps();
        for (; i < end; i += 8) {
            const __m256 a = _mm256_loadu_ps(lp + i), b = _mm256_loadu_ps(lq + i);
            const __m256 hi = _mm256_max_ps(a, b);
            const __m256 d = _mm256_andnot_ps(sign, _mm256_sub_ps(a, b));
            const __m256 t = _mm256_mul_ps(half, _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), d))));
            const __m256 m = _mm256_mul_ps(exp256(hi), t);
            // (log m − a) + (log m − b) = 2·log t + |a − b| with no cancellation against the
            // (large) log-probabilities themselves: only the small d and log t meet.
            const __m256 bracket = _mm256_fmadd_ps(_mm256_set1_ps(2.0f), log256(t), d);
            const __m256 term = _mm256_mul_ps(m, bracket);
            const __m256 finite = _mm256_and_ps(_mm256_cmp_ps(a, _mm256_set1_ps(-INFINITY), _CMP_GT_OQ),
                                                _mm256_cmp_ps(b, _mm256_set1_ps(-INFINITY), _CMP_GT_OQ));
            acc = _mm256_add_ps(acc, _mm256_and_ps(term, finite));
        }
        float lanes[8];
        _mm256_storeu_ps(lanes, acc);
        for (int k = 0; k < 8; k++) total += lanes[k];
    }
    for (int64_t j = 0; j < i; j++) {
        if (!(lp[j] > -INFINITY) || !(lq[j] > -INFINITY)) total += js_term(lp[j], lq[j]);
    }
#endif
    for (; i < n; i++) total += js_term(lp[i], lq[i]);
    return total;
}
