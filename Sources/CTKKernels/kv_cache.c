// KV-cache formats: quantise-dequantise loops that give a cache row (or a block of rows) the
// values a cache stored in that format would hand back, and the softmax of attention over a
// cache whose oldest rows are quantised and newest rows are kept in full precision (KIVI).
#include <math.h>
#include <stdint.h>
#include "ctk_kernels.h"
#if defined(__F16C__)
#include <immintrin.h>
#endif

static inline float round_to_half(float x) {
#if defined(__F16C__)
    return _cvtsh_ss(_cvtss_sh(x, _MM_FROUND_TO_NEAREST_INT));
#else
    return (float)(_Float16)x;
#endif
}

void tk_kv_round_f16(float *x, int64_t rows, int64_t cols, int64_t ld) {
    for (int64_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        for (int64_t c = 0; c < cols; c++) row[c] = round_to_half(row[c]);
    }
}

void tk_kv_round_q8_0(float *x, int64_t rows, int64_t cols, int64_t ld) {
    for (int64_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        for (int64_t c0 = 0; c0 < cols; c0 += 32) {
            const int64_t c1 = c0 + 32 < cols ? c0 + 32 : cols;
            float amax = 0.0f;
            for (int64_t c = c0; c < c1; c++) amax = fmaxf(amax, fabsf(row[c]));
            // As llama.cpp's quantize_row_q8_0_ref: codes from the float scale, values from its half.
            const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f, stored = round_to_half(d);
            for (int64_t c = c0; c < c1; c++) row[c] = roundf(row[c] * id) * stored;
        }
    }
}

// One group of `count` values `stride` apart: min-max asymmetric quantisation to `bits` bits
// (KIVI: zero-point = min, scale = (max − min)/(2^bits − 1), codes rounded half to even as
// torch.round does), replaced by the dequantised values.
static void minmax_group(float *x, int64_t count, int64_t stride, int32_t bits) {
    float mn = INFINITY, mx = -INFINITY;
    for (int64_t i = 0; i < count; i++) { const float v = x[i * stride]; mn = fminf(mn, v); mx = fmaxf(mx, v); }
    const float levels = (float)((1 << bits) - 1), scale = (mx - mn) / levels;
    for (int64_t i = 0; i < count; i++) {
        float *v = x + i * stride;
        if (scale == 0.0f) { *v = mn; continue; }
        float q = nearbyintf((*v - mn) / scale);
        q = q < 0.0f ? 0.0f : (q > levels ? levels : q);
        *v = q * scale + mn;
    }
}

void tk_kv_minmax_tokens(float *x, int64_t rows, int64_t cols, int64_t ld, int64_t group, int32_t bits) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c0 = 0; c0 < cols; c0 += group)
            minmax_group(x + r * ld + c0, (c0 + group < cols ? group : cols - c0), 1, bits);
}

void tk_kv_minmax_channels(float *x, int64_t rows, int64_t cols, int64_t ld, int64_t group, int32_t bits) {
    for (int64_t r0 = 0; r0 + group <= rows; r0 += group)
        for (int64_t c = 0; c < cols; c++)
            minmax_group(x + r0 * ld + c, group, ld, bits);
}

void tk_kv_mixed_softmax(float *scores_full, const float *scores_quant, float *probs_quant, int64_t rows, int64_t cols,
                         int64_t ld, const int64_t *visible, const int64_t *window_start, const int64_t *key_quant_end,
                         const int64_t *value_quant_end, float softcap) {
    for (int64_t i = 0; i < rows; i++) {
        float *full = scores_full + i * ld, *pq = probs_quant + i * ld;
        const float *sq = scores_quant + i * ld;
        const int64_t vis = visible[i] < cols ? visible[i] : cols;
        float maxv = -INFINITY;
        for (int64_t c = 0; c < vis; c++) {
            float s = c < key_quant_end[i] ? sq[c] : full[c];
            if (softcap > 0.0f) s = softcap * tanhf(s / softcap);
            if (c < window_start[i]) s = -INFINITY;
            full[c] = s;
            if (s > maxv) maxv = s;
        }
        float sum = 0.0f;
        for (int64_t c = 0; c < vis; c++) { full[c] = expf(full[c] - maxv); sum += full[c]; }
        const float inv = 1.0f / sum;
        for (int64_t c = 0; c < cols; c++) {
            const float p = c < vis ? full[c] * inv : 0.0f;
            const int quantised = c < value_quant_end[i];
            pq[c] = quantised ? p : 0.0f;
            full[c] = quantised ? 0.0f : p;
        }
    }
}
