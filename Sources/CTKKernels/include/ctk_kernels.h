// C half of TKKernels: the hot loops that need SIMD. Swift code in TKKernels is the only caller.
// Layouts: matrices are row-major float32; a quantised weight matrix is `rows` rows of `cols`
// elements, each row encoded as consecutive ggml blocks (ggml's layout for 2-D weights).
#ifndef CTK_KERNELS_H
#define CTK_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[t * ldy + r] = dot(W row r, x[t * ldx ...]) for t in [0, n), r in [row_begin, row_end).
/// `type` is the ggml type number; Q4_0, Q4_1, Q8_0 and F32 have direct kernels, other types go
/// through `tk_dequantize_row` into `scratch` (at least `cols` floats).
/// Returns 0 on success, -1 when the type is not supported.
int tk_matmul_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                   const float *x, int64_t n, int64_t ldx,
                   float *y, int64_t ldy, int64_t row_begin, int64_t row_end, float *scratch);

/// 8-bit activations (opt-in fast decode, see qmatvec_q8.c): whether `type` has a kernel.
int tk_q8_activation_supported(int32_t type);

/// Quantises one activation row of `cols` (a multiple of 32) per 32-element block: q = round(x/d),
/// d = max|x|/127 into scale[b], and the exact float sum of the block's x into sum[b].
void tk_quantize_activations_q8(const float *x, int64_t cols, int8_t *q, float *scale, float *sum);

/// y[r] = W row r · x for r in [row_begin, row_end), x given quantised by
/// `tk_quantize_activations_q8`. `force_scalar` selects the portable loop (tests compare the two).
/// Returns -1 for a type without a kernel or `cols` not a multiple of 32.
int tk_matvec_q8_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                      const int8_t *q, const float *scale, const float *sum,
                      float *y, int64_t row_begin, int64_t row_end, int32_t force_scalar);

/// Rows [row_begin, row_end) of W dequantised to float32 into dst (row-major, `cols` per row).
int tk_dequantize_rows(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                       int64_t row_begin, int64_t row_end, float *dst);

/// out[t] = x[t] / sqrt(mean(x[t]^2) + eps) * weight, rows of `dim`, row stride = dim.
void tk_rmsnorm(const float *x, const float *weight, float *out, int64_t n, int64_t dim, float eps);

/// Rotary embedding in place on `n` rows of `heads` heads of `head_dim`, row stride `ld`.
/// `neox` rotates halves (x[i], x[i + d/2]); otherwise adjacent pairs (x[2i], x[2i+1]).
void tk_rope(float *x, int64_t n, int64_t ld, int64_t heads, int64_t head_dim, int64_t rope_dim,
             const int32_t *positions, float freq_base, int neox);

/// `tk_rope` with frequency i divided by freq_factors[i] (rope_dim/2 of them; Llama 3's RoPE
/// scaling, llama.cpp's `rope_freqs.weight`); NULL divides by nothing, exactly as `tk_rope`.
void tk_rope_scaled(float *x, int64_t n, int64_t ld, int64_t heads, int64_t head_dim, int64_t rope_dim,
                    const int32_t *positions, float freq_base, int neox, const float *freq_factors);

/// gate[i] = silu(gate[i]) * up[i] for `count` elements.
void tk_swiglu(float *gate, const float *up, int64_t count);

/// gate[i] = gelu_tanh(gate[i]) * up[i] for `count` elements (Gemma's GeGLU feed-forward):
/// gelu_tanh(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
void tk_geglu_tanh(float *gate, const float *up, int64_t count);

/// y[i] = cap · tanh(y[i] / cap) for `count` elements (Gemma 2's soft-capping of attention scores and logits).
void tk_softcap(float *y, int64_t count, float cap);

/// Hides, before `tk_masked_softmax`, the columns of `n` score rows (row stride ld, `cols` columns)
/// that lie `window` or more positions behind their query: batch row t (absolute position
/// positions[row0 + i]) sees column c only when its position minus c's is below `window`.
/// Column c < prefix is at position c (the cache holds one sequence); column c >= prefix is batch
/// row c - prefix at positions[c - prefix]. Hidden columns become -infinity.
void tk_mask_sliding_window(float *scores, int64_t n, int64_t ld, int64_t prefix, int64_t cols,
                            const int32_t *positions, int64_t row0, int64_t window);

/// In-place softmax of `n` score rows of `cols` (row stride ld) for batch rows row0 ..< row0+n,
/// only over visible columns: column c is visible for batch row t when c < prefix, or when
/// s = c - prefix satisfies s <= t and segment[s] == segment[t]. Hidden columns become 0.
void tk_masked_softmax(float *scores, int64_t n, int64_t ld, int64_t prefix, int64_t cols,
                       const int32_t *segment, int64_t row0);

/// Per row of logits: log-sum-exp (for log-softmax) written to lse[t].
void tk_logsumexp_rows(const float *logits, int64_t n, int64_t vocab, float *lse);

/// dst[i] += src[i] (residual connections).
/// Σ over i of m·(log m − lp[i]) + m·(log m − lq[i]), m = (e^lp[i] + e^lq[i])/2: the Jensen–Shannon
/// divergence of two log-probability rows (times 2n in DoLa's averaged form), accumulated in double.
double tk_js_divergence_sum(const float *lp, const float *lq, int64_t n);

void tk_add_inplace(float *dst, const float *src, int64_t count);

/// Index of each row's largest value (lowest index on ties).
void tk_argmax_rows(const float *x, int64_t n, int64_t cols, int32_t *out);

/// Attention of one query row of one head against `total` cached keys/values (row stride kv_ld):
/// scores (scratch of `total` floats) = softmax(scale · q·k), out = Σ scores · v. All keys visible.
void tk_attention_row(const float *q, const float *keys, const float *values, int64_t total, int64_t kv_ld,
                      int64_t head_dim, float scale, float *scores, float *out);

/// KV-cache formats (kv_cache.c): each replaces a `rows × cols` block (row stride ld) by the
/// values the format stores. f16: round to half. q8_0: per row, blocks of 32 columns, llama.cpp's
/// Q8_0. minmax_tokens: per row, groups of `group` columns (KIVI's values); minmax_channels: per
/// column, groups of `group` rows, whole groups only (KIVI's keys); both `bits`-bit min-max.
void tk_kv_round_f16(float *x, int64_t rows, int64_t cols, int64_t ld);
void tk_kv_round_q8_0(float *x, int64_t rows, int64_t cols, int64_t ld);
void tk_kv_minmax_tokens(float *x, int64_t rows, int64_t cols, int64_t ld, int64_t group, int32_t bits);
void tk_kv_minmax_channels(float *x, int64_t rows, int64_t cols, int64_t ld, int64_t group, int32_t bits);
/// Softmax of attention scores over a cache with quantised old rows: row i takes column c's score
/// from `scores_quant` when c < key_quant_end[i], else from `scores_full`; soft-caps (cap > 0),
/// hides columns before window_start[i] and from visible[i] on; then splits the probabilities:
/// columns below value_quant_end[i] go to `probs_quant` (to multiply the quantised values), the
/// rest stay in `scores_full` (for the full-precision values); each holds zeros elsewhere.
void tk_kv_mixed_softmax(float *scores_full, const float *scores_quant, float *probs_quant, int64_t rows, int64_t cols,
                         int64_t ld, const int64_t *visible, const int64_t *window_start, const int64_t *key_quant_end,
                         const int64_t *value_quant_end, float softcap);
/// ISA paths of the row-invariant kernels (`KernelISA`'s ranks).
enum { TK_ISA_BASELINE = 0, TK_ISA_AVX2 = 1, TK_ISA_AVX512 = 2 };

/// Width of the vocabulary tiles over which log-sum-exp is taken (per-tile max and sum, merged in
/// tile order): every path that normalises logits uses it, so their numbers are bit-identical.
enum { TK_LOGIT_TILE = 1024 };

/// Row-invariant product (rowgemm.c): y[t * ldy + r] = W row r · x row t for t in [0, n),
/// r in [row_begin, row_end), each element summed in an order that depends on neither n, the
/// weight range nor `isa` (TK_ISA_*): bit-identical values for a row alone or in any batch.
/// `scratch` holds `tk_rowgemm_scratch_floats(cols)` floats. Returns -1 for an unsupported type.
int tk_rowgemm(int32_t type, const void *w, int64_t cols, size_t row_bytes,
               const float *x, int64_t n, int64_t ldx, float *y, int64_t ldy,
               int64_t row_begin, int64_t row_end, float *scratch, int32_t isa);
int64_t tk_rowgemm_scratch_floats(int64_t cols);

/// One vocabulary tile of the output head for `n` rows of (normed) hidden states: logits of
/// vocabulary rows [col0, col1) by `tk_rowgemm` into `logits` (n × (col1 - col0)), soft-capped when
/// softcap > 0, then per row the tile's max, argmax (lowest index on ties) and Σ exp(logit − max)
/// into tile_max/tile_argmax/tile_sum[t], and for each (pair_row[i], pair_token[i]) whose token lies
/// in the tile its logit into pair_logit[i].
int tk_output_head_tile(int32_t type, const void *w, int64_t cols, size_t row_bytes,
                        const float *x, int64_t n, int64_t ldx, int64_t col0, int64_t col1, float softcap,
                        float *logits, float *scratch, int32_t isa,
                        float *tile_max, int32_t *tile_argmax, double *tile_sum,
                        const int32_t *pair_row, const int32_t *pair_token, int64_t pairs, float *pair_logit);

/// Per row of a logits tile (row stride ld, `width` columns starting at vocabulary id col0): max,
/// argmax (lowest index on ties) and Σ exp(x − max) in double.
void tk_logit_tile_stats(const float *logits, int64_t n, int64_t ld, int64_t width, int64_t col0,
                         float *tile_max, int32_t *tile_argmax, double *tile_sum);

/// Merges `tiles` tiles' statistics (tile i's for row t at [i * n + t]) into each row's
/// log-sum-exp, max + log Σᵢ sumᵢ·exp(maxᵢ − max), and argmax (lowest index on ties).
void tk_logit_merge_stats(const float *tile_max, const int32_t *tile_argmax, const double *tile_sum,
                          int64_t tiles, int64_t n, float *lse, int32_t *argmax);

/// A persistent pool of `threads` threads (the caller counts as one) for parallel kernels.
typedef struct tk_pool tk_pool;
typedef void (*tk_task_fn)(void *ctx, int32_t index);
tk_pool *tk_pool_create(int32_t threads);
void tk_pool_destroy(tk_pool *pool);
/// The process-wide pool, created on first use and grown (never shrunk) to at least `threads`;
/// never destroyed. Every `ComputeContext` runs on it, so sessions do not oversubscribe the cores.
tk_pool *tk_pool_shared(int32_t threads);
/// The pool's current thread count (the caller included).
int32_t tk_pool_threads(tk_pool *pool);
/// The shared pool's thread count, 0 before any context has started it.
int32_t tk_pool_shared_threads(void);
/// Runs fn(ctx, i) for i in [0, count) across the pool and the caller; returns when all are done.
/// Regions from several threads take turns (the pool runs one at a time); a task that starts a
/// region of its own runs that region inline on its thread.
void tk_pool_run(tk_pool *pool, int32_t count, tk_task_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
