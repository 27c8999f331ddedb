// ctk_quant.h — ggml block formats: dequantisation (float32 out) and reference quantisation.
//
// Self-contained: include it on its own or through the umbrella header. Every block layout is
// byte-for-byte the one ggml writes into GGUF files (ggml-common.h); `type` arguments are ggml's
// `ggml_type` numbers. The implementations live in dequant.c and quantize.c.
//
// Contract shared by the row functions (kernels do not report errors):
// - `n` is an element count and must be a multiple of `tk_block_size(type)`; a wrong `n`, or an
//   unknown `type` given to a dequantiser, aborts with a message on stderr (the C form of a Swift
//   precondition). Shapes are checked once per call, never per element.
// - `src` needs no alignment: blocks are read byte-wise, so rows may start at any address
//   inside a mapped file. `dst` holds `n` floats (dequantise) or `tk_row_size(type, n)` bytes.
// - `src` and `dst` must not overlap.
#ifndef CTK_QUANT_H
#define CTK_QUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Type numbers (ggml_type, as GGUF stores them)

enum {
    TK_TYPE_F32  = 0,
    TK_TYPE_F16  = 1,
    TK_TYPE_Q4_0 = 2,
    TK_TYPE_Q4_1 = 3,
    TK_TYPE_Q5_0 = 6,
    TK_TYPE_Q5_1 = 7,
    TK_TYPE_Q8_0 = 8,
    TK_TYPE_Q4_K = 12,
    TK_TYPE_Q5_K = 13,
    TK_TYPE_Q6_K = 14,
    TK_TYPE_BF16 = 30,
};

#define TK_QK32 32   /* elements per block of the legacy formats Q4_0 … Q8_0 */
#define TK_QK_K 256  /* elements per super-block of the K formats */

// MARK: - Block layouts
//
// For documentation and for callers that index blocks (e.g. quantised dot products). Every
// field is a byte or a uint16_t holding IEEE half bits, so the structs have ggml's sizes with
// no packing pragmas (checked below) and 2-byte alignment. dequant.c and quantize.c read blocks
// byte-wise and accept any address.

/** Q4_0: 32 elements, x = (q - 8) * d. qs[j] low nibble is element j, high nibble element j+16. */
typedef struct { uint16_t d; uint8_t qs[16]; } tk_block_q4_0;
/** Q4_1: 32 elements, x = q * d + m, nibbles as Q4_0. */
typedef struct { uint16_t d; uint16_t m; uint8_t qs[16]; } tk_block_q4_1;
/** Q5_0: 32 elements, x = (q - 16) * d; bit i of the little-endian qh word is bit 4 of element i. */
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } tk_block_q5_0;
/** Q5_1: 32 elements, x = q * d + m, bits as Q5_0. */
typedef struct { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[16]; } tk_block_q5_1;
/** Q8_0: 32 elements, x = qs[i] * d. */
typedef struct { uint16_t d; int8_t qs[32]; } tk_block_q8_0;
/**
 * Q4_K: 256 elements in 8 sub-blocks of 32; x = d*sc[j]*q - dmin*m[j] with 6-bit sc/m packed in
 * `scales` (see `tk_quant_scale_min_k4`). qs[32*g + l] holds element 64*g + l (low nibble)
 * and 64*g + 32 + l (high nibble).
 */
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qs[128]; } tk_block_q4_k;
/** Q5_K: as Q4_K plus a fifth bit: bit 2g of qh[l] for element 64g + l, bit 2g+1 for 64g + 32 + l. */
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } tk_block_q5_k;
/**
 * Q6_K: 256 elements in 16 groups of 16; x = d * scales[g] * (q - 32), q six bits:
 * low four in ql, high two in qh (element map above `dq_q6_k_scalar` in dequant.c).
 */
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } tk_block_q6_k;

#if defined(__cplusplus)
#define TK_QUANT_STATIC_ASSERT static_assert
#else
#define TK_QUANT_STATIC_ASSERT _Static_assert
#endif
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q4_0) == 18, "Q4_0 block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q4_1) == 20, "Q4_1 block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q5_0) == 22, "Q5_0 block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q5_1) == 24, "Q5_1 block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q8_0) == 34, "Q8_0 block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q4_k) == 144, "Q4_K block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q5_k) == 176, "Q5_K block");
TK_QUANT_STATIC_ASSERT(sizeof(tk_block_q6_k) == 210, "Q6_K block");

// MARK: - Geometry

/** Elements per block (1 for F32/F16/BF16); 0 if `type` is not one of the types above. */
int32_t tk_block_size(int32_t type);
/** Bytes per block; 0 if unknown. */
size_t tk_type_size(int32_t type);
/** Bytes for `n` elements; 0 if `type` is unknown or `n` is not a multiple of the block size. */
size_t tk_row_size(int32_t type, int64_t n);

// MARK: - Dequantisation

/** Decodes `n` elements of `type` from `src` into `dst`, using the SIMD kernels where built. */
void tk_dequantize_row(int32_t type, const void *src, float *dst, int64_t n);
/** Same result, portable scalar code only; bit-identical to `tk_dequantize_row` (tested). */
void tk_dequantize_row_scalar(int32_t type, const void *src, float *dst, int64_t n);
/** 1 when this build has the AVX2/F16C kernels, 0 when every path is the scalar one. */
int32_t tk_dequantize_has_simd(void);

void tk_dequantize_row_f16(const void *src, float *dst, int64_t n);
void tk_dequantize_row_bf16(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q4_0(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q4_1(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q5_0(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q5_1(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q8_0(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q4_k(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q5_k(const void *src, float *dst, int64_t n);
void tk_dequantize_row_q6_k(const void *src, float *dst, int64_t n);

// MARK: - Quantisation (ggml's quantize_row_*_ref)

/**
 * Encodes `n` floats as `type` into `dst` (`tk_row_size(type, n)` bytes) and returns the bytes
 * written; 0 (nothing written) if `type` is unknown. Deterministic; matches ggml's reference
 * quantisers (F16, BF16, Q4_0 … Q8_0 bit-exactly against gguf-py in the tests). The block
 * formats need finite inputs (as in ggml); F32/F16/BF16 take any value.
 */
size_t tk_quantize_row(int32_t type, const float *src, void *dst, int64_t n);

// MARK: - Scalar conversions

/** IEEE half → float; exact, including subnormals and ±inf; NaNs stay NaN (quietened, as F16C does). */
float tk_quant_f16_to_f32(uint16_t h);
/** float → IEEE half, round to nearest even; overflow → ±inf; NaN → quiet NaN (as F16C does). */
uint16_t tk_quant_f32_to_f16(float f);
/** Portable versions of the two half conversions above (what a build without F16C uses); for tests. */
float tk_quant_f16_to_f32_scalar(uint16_t h);
uint16_t tk_quant_f32_to_f16_scalar(float f);
/** bfloat16 → float (exact). */
float tk_quant_bf16_to_f32(uint16_t h);
/** float → bfloat16, round to nearest even, NaN forced quiet (ggml_compute_fp32_to_bf16). */
uint16_t tk_quant_f32_to_bf16(float f);

/** Unpacks 6-bit scale `sc` and min `m` of sub-block `j` (0…7) from a Q4_K/Q5_K `scales[12]`. */
static inline void tk_quant_scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

#ifdef __cplusplus
}
#endif

#endif /* CTK_QUANT_H */
