// Elementwise and row-wise kernels: RMSNorm, RoPE, SwiGLU, masked softmax, log-sum-exp.
// Accumulation is float32 (double only where it costs nothing, for RoPE angles), to stay within
// rounding of a float32 PyTorch forward on the same weights.
#include "ctk_kernels.h"
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
    const int64_t half = rope_dim / 2;
    float cosv[512], sinv[512];
    for (int64_t t = 0; t < n; t++) {
        const float pos = (float)positions[t];
        for (int64_t i = 0; i < half && i < 512; i++) {
            // Same recipe as the float32 reference: inv_freq in float, angle = pos * inv_freq.
            const float inv_freq = 1.0f / powf(freq_base, (float)(2 * i) / (float)rope_dim);
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
    for (int64_t t = 0; t < n; t++) {
        const float *row = logits + t * vocab;
        float maxv = -INFINITY;
        for (int64_t i = 0; i < vocab; i++) if (row[i] > maxv) maxv = row[i];
        double sum = 0.0;
        for (int64_t i = 0; i < vocab; i++) sum += expf(row[i] - maxv);
        lse[t] = maxv + (float)log(sum);
    }
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
