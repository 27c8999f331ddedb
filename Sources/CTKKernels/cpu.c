// Instruction-set detection with cpuid/xgetbv (see ctk_system.h).
#include "ctk_system.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void trim_copy(char *dst, size_t cap, const char *src) {
    while (*src == ' ') src++;
    size_t n = strnlen(src, cap - 1);
    while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0')) n--;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void tk_cpu_detect(tk_cpu_features *out) {
    memset(out, 0, sizeof(*out));
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return;
    const unsigned max_leaf = a;
    memcpy(out->vendor + 0, &b, 4);
    memcpy(out->vendor + 4, &d, 4);
    memcpy(out->vendor + 8, &c, 4);
    out->vendor[12] = '\0';

    __get_cpuid(1, &a, &b, &c, &d);
    const unsigned base_family = (a >> 8) & 0xF, base_model = (a >> 4) & 0xF;
    out->stepping = (int32_t)(a & 0xF);
    out->family = (int32_t)(base_family == 0xF ? base_family + ((a >> 20) & 0xFF) : base_family);
    out->model = (int32_t)((base_family == 6 || base_family == 0xF) ? (((a >> 16) & 0xF) << 4) + base_model : base_model);
    out->sse3 = (c >> 0) & 1;
    out->ssse3 = (c >> 9) & 1;
    out->sse41 = (c >> 19) & 1;
    out->sse42 = (c >> 20) & 1;
    const int osxsave = (c >> 27) & 1;
    const int cpu_avx = (c >> 28) & 1, cpu_fma = (c >> 12) & 1, cpu_f16c = (c >> 29) & 1;

    // The OS must save YMM (XCR0 bits 1–2) for AVX, and also opmask/ZMM (bits 5–7) for AVX-512.
    const uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    const int ymm = (xcr0 & 0x6) == 0x6;
    const int zmm = ymm && (xcr0 & 0xE0) == 0xE0;
    out->avx = cpu_avx && ymm;
    out->fma = cpu_fma && ymm;
    out->f16c = cpu_f16c && ymm;

    if (max_leaf >= 7) {
        __get_cpuid_count(7, 0, &a, &b, &c, &d);
        const unsigned max_sub = a;
        out->avx2 = ((b >> 5) & 1) && ymm;
        out->avx512f = ((b >> 16) & 1) && zmm;
        out->avx512dq = ((b >> 17) & 1) && zmm;
        out->avx512bw = ((b >> 30) & 1) && zmm;
        out->avx512vl = ((b >> 31) & 1) && zmm;
        out->avx512vnni = ((c >> 11) & 1) && zmm;
        if (max_sub >= 1) {
            __get_cpuid_count(7, 1, &a, &b, &c, &d);
            out->avx512bf16 = ((a >> 5) & 1) && zmm;
        }
    }

    char brand[49] = {0};
    if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
        for (unsigned leaf = 0; leaf < 3; leaf++) {
            unsigned r[4];
            __get_cpuid(0x80000002 + leaf, &r[0], &r[1], &r[2], &r[3]);
            memcpy(brand + 16 * leaf, r, 16);
        }
    }
    trim_copy(out->brand, sizeof(out->brand), brand);
}

#else

void tk_cpu_detect(tk_cpu_features *out) { memset(out, 0, sizeof(*out)); }

#endif
