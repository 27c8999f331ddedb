int tk_kernels_version(void);
