// Batch-invariant matrix product and the fused output head (see ctk_kernels.h, "row-invariant").
//
// OpenBLAS's sgemm picks a different kernel and summation order for each output element depending
// on how many rows are in the call (m = 1 goes through gemv; its AVX2 kernels even depend on the
// rows' offset inside the call), so a token's numbers would change with whatever else shares its
// batch. Here every element y[t][r] = Σ_k W[r][k]·x[t][k] is summed the same way whatever the
// batch, the weight range and the ISA path:
//   - 16 partial sums: element k goes into partial k mod 16 with a fused multiply-add, k ascending
//     (an AVX-512 register, two AVX2 registers, or 16 scalars with fmaf);
//   - then the fixed tree ((p[i] + p[i+8]) for i < 8, then + [i+4], + [i+2], + [i+1]).
// So a row scored alone, in a batch of hundreds or on another ISA path gives bit-identical values,
// and the portable loop is an exact reference for the SIMD ones.
//
// Speed: weights are dequantised one panel of PANEL rows at a time into per-worker scratch (L1/L2
// resident), then a register-blocked micro-kernel multiplies the panel with every activation row.
#include "ctk_kernels.h"
#include "ctk_quant.h"
#include <math.h>
#include <string.h>
#include <immintrin.h>

enum { PANEL = 16, LANES = 16 };

// ---- the fixed reduction tree -----------------------------------------------------------------

static inline float tree16(const float p[16]) {
    float t8[8], t4[4], t2[2];
    for (int i = 0; i < 8; i++) t8[i] = p[i] + p[i + 8];
    for (int i = 0; i < 4; i++) t4[i] = t8[i] + t8[i + 4];
    for (int i = 0; i < 2; i++) t2[i] = t4[i] + t4[i + 2];
    return t2[0] + t2[1];
}

// ---- portable path (the reference) ------------------------------------------------------------

static float dot_portable(const float *w, const float *x, int64_t cols) {
    float p[16] = {0};
    for (int64_t k = 0; k < cols; k++) p[k % LANES] = fmaf(w[k], x[k], p[k % LANES]);
    return tree16(p);
}

static void panel_portable(const float *panel, int64_t rows, int64_t cols, const float *x, int64_t n, int64_t ldx,
                           float *y, int64_t ldy) {
    for (int64_t t = 0; t < n; t++)
        for (int64_t r = 0; r < rows; r++) y[t * ldy + r] = dot_portable(panel + r * cols, x + t * ldx, cols);
}

// ---- AVX2 + FMA: each element's 16 partials are two ymm registers ------------------------------

__attribute__((target("avx2,fma")))
static inline float tree_avx2(__m256 lo, __m256 hi) {
    __m256 t8 = _mm256_add_ps(lo, hi);                                  // p[i] + p[i+8]
    __m128 t4 = _mm_add_ps(_mm256_castps256_ps128(t8), _mm256_extractf128_ps(t8, 1));  // + [i+4]
    __m128 t2 = _mm_add_ps(t4, _mm_movehl_ps(t4, t4));                  // + [i+2]
    __m128 t1 = _mm_add_ss(t2, _mm_movehdup_ps(t2));                    // + [i+1]
    return _mm_cvtss_f32(t1);
}

// Two weight rows × three activation rows per step: 12 accumulators + 4 weight registers.
__attribute__((target("avx2,fma")))
static void panel_avx2(const float *panel, int64_t rows, int64_t cols, const float *x, int64_t n, int64_t ldx,
                       float *y, int64_t ldy) {
    const int64_t full = cols / LANES * LANES;
    if (full != cols) {  // a tail needs masked loads; dims of real models are multiples of 32
        panel_portable(panel, rows, cols, x, n, ldx, y, ldy);
        return;
    }
    int64_t t0 = 0;
    for (; t0 < n; t0 += 3) {
        const int64_t tn = n - t0 < 3 ? n - t0 : 3;
        const float *x0 = x + t0 * ldx, *x1 = x0 + (tn > 1 ? ldx : 0), *x2 = x0 + (tn > 2 ? 2 * ldx : 0);
        for (int64_t r = 0; r < rows; r += 2) {
            const float *w0 = panel + r * cols, *w1 = panel + (r + 1 < rows ? r + 1 : r) * cols;
            __m256 a00l = _mm256_setzero_ps(), a00h = a00l, a01l = a00l, a01h = a00l;
            __m256 a10l = a00l, a10h = a00l, a11l = a00l, a11h = a00l;
            __m256 a20l = a00l, a20h = a00l, a21l = a00l, a21h = a00l;
            for (int64_t k = 0; k < cols; k += LANES) {
                const __m256 w0l = _mm256_loadu_ps(w0 + k), w0h = _mm256_loadu_ps(w0 + k + 8);
                const __m256 w1l = _mm256_loadu_ps(w1 + k), w1h = _mm256_loadu_ps(w1 + k + 8);
                __m256 xl = _mm256_loadu_ps(x0 + k), xh = _mm256_loadu_ps(x0 + k + 8);
                a00l = _mm256_fmadd_ps(w0l, xl, a00l); a00h = _mm256_fmadd_ps(w0h, xh, a00h);
                a01l = _mm256_fmadd_ps(w1l, xl, a01l); a01h = _mm256_fmadd_ps(w1h, xh, a01h);
                xl = _mm256_loadu_ps(x1 + k); xh = _mm256_loadu_ps(x1 + k + 8);
                a10l = _mm256_fmadd_ps(w0l, xl, a10l); a10h = _mm256_fmadd_ps(w0h, xh, a10h);
                a11l = _mm256_fmadd_ps(w1l, xl, a11l); a11h = _mm256_fmadd_ps(w1h, xh, a11h);
                xl = _mm256_loadu_ps(x2 + k); xh = _mm256_loadu_ps(x2 + k + 8);
                a20l = _mm256_fmadd_ps(w0l, xl, a20l); a20h = _mm256_fmadd_ps(w0h, xh, a20h);
                a21l = _mm256_fmadd_ps(w1l, xl, a21l); a21h = _mm256_fmadd_ps(w1h, xh, a21h);
            }
            // Rows past the edge were computed on repeated inputs and are not stored.
            y[t0 * ldy + r] = tree_avx2(a00l, a00h);
            if (r + 1 < rows) y[t0 * ldy + r + 1] = tree_avx2(a01l, a01h);
            if (tn > 1) {
                y[(t0 + 1) * ldy + r] = tree_avx2(a10l, a10h);
                if (r + 1 < rows) y[(t0 + 1) * ldy + r + 1] = tree_avx2(a11l, a11h);
            }
            if (tn > 2) {
                y[(t0 + 2) * ldy + r] = tree_avx2(a20l, a20h);
                if (r + 1 < rows) y[(t0 + 2) * ldy + r + 1] = tree_avx2(a21l, a21h);
            }
        }
    }
}

// ---- AVX-512: each element's 16 partials are one zmm register ----------------------------------

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))
static inline float tree_avx512(__m512 p) {
    __m256 t8 = _mm256_add_ps(_mm512_castps512_ps256(p), _mm512_extractf32x8_ps(p, 1));
    __m128 t4 = _mm_add_ps(_mm256_castps256_ps128(t8), _mm256_extractf128_ps(t8, 1));
    __m128 t2 = _mm_add_ps(t4, _mm_movehl_ps(t4, t4));
    __m128 t1 = _mm_add_ss(t2, _mm_movehdup_ps(t2));
    return _mm_cvtss_f32(t1);
}

// Four weight rows × four activation rows per step: 16 accumulators, x read as memory operands.
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))
static void panel_avx512(const float *panel, int64_t rows, int64_t cols, const float *x, int64_t n, int64_t ldx,
                         float *y, int64_t ldy) {
    const int64_t full = cols / LANES * LANES;
    if (full != cols) {
        panel_portable(panel, rows, cols, x, n, ldx, y, ldy);
        return;
    }
    enum { RT = 4, RW = 4 };
    for (int64_t t0 = 0; t0 < n; t0 += RT) {
        const int64_t tn = n - t0 < RT ? n - t0 : RT;
        const float *xs[RT];
        for (int i = 0; i < RT; i++) xs[i] = x + (t0 + (i < tn ? i : 0)) * ldx;
        for (int64_t r = 0; r < rows; r += RW) {
            const float *ws[RW];
            for (int j = 0; j < RW; j++) ws[j] = panel + (r + j < rows ? r + j : r) * cols;
            __m512 acc[RT][RW];
            for (int i = 0; i < RT; i++)
                for (int j = 0; j < RW; j++) acc[i][j] = _mm512_setzero_ps();
            for (int64_t k = 0; k < cols; k += LANES) {
                __m512 wv[RW];
                for (int j = 0; j < RW; j++) wv[j] = _mm512_loadu_ps(ws[j] + k);
                for (int i = 0; i < RT; i++) {
                    const __m512 xv = _mm512_loadu_ps(xs[i] + k);
                    for (int j = 0; j < RW; j++) acc[i][j] = _mm512_fmadd_ps(wv[j], xv, acc[i][j]);
                }
            }
            for (int i = 0; i < tn; i++)
                for (int j = 0; j < RW && r + j < rows; j++) y[(t0 + i) * ldy + r + j] = tree_avx512(acc[i][j]);
        }
    }
}

// ---- driver -----------------------------------------------------------------------------------

typedef void (*panel_fn)(const float *, int64_t, int64_t, const float *, int64_t, int64_t, float *, int64_t);

static panel_fn panel_for(int32_t isa) {
    switch (isa) {
    case TK_ISA_AVX512: return panel_avx512;
    case TK_ISA_AVX2: return panel_avx2;
    default: return panel_portable;
    }
}

// Activation rows per pass over a panel: their x rows (ROW_CHUNK × cols floats) stay in L2 while
// the panel's rows are multiplied with them; longer batches take several passes.
enum { ROW_CHUNK = 64 };

int tk_rowgemm(int32_t type, const void *w, int64_t cols, size_t row_bytes,
               const float *x, int64_t n, int64_t ldx, float *y, int64_t ldy,
               int64_t row_begin, int64_t row_end, float *scratch, int32_t isa) {
    if (tk_block_size(type) == 0) return -1;
    const panel_fn kernel = panel_for(isa);
    for (int64_t t0 = 0; t0 < n; t0 += ROW_CHUNK) {
        const int64_t tn = n - t0 < ROW_CHUNK ? n - t0 : ROW_CHUNK;
        for (int64_t r0 = row_begin; r0 < row_end; r0 += PANEL) {
            const int64_t r1 = r0 + PANEL < row_end ? r0 + PANEL : row_end;
            tk_dequantize_rows(type, w, cols, row_bytes, r0, r1, scratch);
            kernel(scratch, r1 - r0, cols, x + t0 * ldx, tn, ldx, y + t0 * ldy + r0, ldy);
        }
    }
    return 0;
}

int64_t tk_rowgemm_scratch_floats(int64_t cols) { return (int64_t)PANEL * cols; }

// ---- the output head's log-softmax statistics --------------------------------------------------

void tk_logit_tile_stats(const float *logits, int64_t n, int64_t ld, int64_t width, int64_t col0,
                         float *tile_max, int32_t *tile_argmax, double *tile_sum) {
    for (int64_t t = 0; t < n; t++) {
        const float *row = logits + t * ld;
        float maxv = row[0];
        int64_t best = 0;
        for (int64_t c = 1; c < width; c++) if (row[c] > maxv) { maxv = row[c]; best = c; }
        double sum = 0.0;
        // A tile of -inf only (tokens a plausibility filter removed) adds nothing; without the
        // guard its exp(-inf - -inf) would be NaN and poison the whole row.
        if (maxv != -INFINITY) for (int64_t c = 0; c < width; c++) sum += expf(row[c] - maxv);
        tile_max[t] = maxv;
        tile_argmax[t] = (int32_t)(col0 + best);
        tile_sum[t] = sum;
    }
}

void tk_logit_merge_stats(const float *tile_max, const int32_t *tile_argmax, const double *tile_sum,
                          int64_t tiles, int64_t n, float *lse, int32_t *argmax) {
    for (int64_t t = 0; t < n; t++) {
        float maxv = tile_max[t];
        int32_t best = tile_argmax[t];
        for (int64_t i = 1; i < tiles; i++) {
            const float m = tile_max[i * n + t];
            if (m > maxv) { maxv = m; best = tile_argmax[i * n + t]; }  // strict: lowest index on ties
        }
        double sum = 0.0;
        for (int64_t i = 0; i < tiles; i++) {
            if (tile_max[i * n + t] == -INFINITY) continue;  // an all -inf tile (or row) adds nothing
            sum += tile_sum[i * n + t] * exp((double)tile_max[i * n + t] - (double)maxv);
        }
        lse[t] = maxv == -INFINITY ? -INFINITY : maxv + (float)log(sum);
        argmax[t] = best;
    }
}

int tk_output_head_tile(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                        const float *x, int64_t n, int64_t ldx, int64_t col0, int64_t col1, float softcap,
                        float *logits, float *scratch, int32_t isa,
                        float *tile_max, int32_t *tile_argmax, double *tile_sum,
                        const int32_t *pair_row, const int32_t *pair_token, int64_t pairs, float *pair_logit) {
    if (tk_block_size(type) == 0) return -1;
    const int64_t width = col1 - col0;
    tk_rowgemm(type, w, cols, row_bytes, x, n, ldx, logits - col0, width, col0, col1, scratch, isa);
    if (softcap > 0) for (int64_t t = 0; t < n; t++) tk_softcap(logits + t * width, width, softcap);
    tk_logit_tile_stats(logits, n, width, width, col0, tile_max, tile_argmax, tile_sum);
    for (int64_t i = 0; i < pairs; i++) {
        const int32_t token = pair_token[i];
        if (token >= col0 && token < col1) pair_logit[i] = logits[(int64_t)pair_row[i] * width + (token - col0)];
    }
    return 0;
}
