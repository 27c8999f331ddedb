#include "ctk_kernels.h"
int tk_kernels_version(void) { return 1; }
