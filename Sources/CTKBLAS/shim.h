// System OpenBLAS (Debian: libopenblas-dev). Only the CBLAS interface is used.
#include <cblas.h>
// OpenBLAS thread control, so the engine can pin BLAS to the requested thread count.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
