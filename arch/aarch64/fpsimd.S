// A domain's FP/SIMD state (V0-V31, FPCR, FPSR) put away and given back: the only kernel
// code that touches those registers, called with CPACR_EL1.FPEN open (platform.cpp).
// The area: 32 x 16 bytes, then FPCR and FPSR (FpState, arch/aarch64/domains.hpp).
        .text
        .global eros_fp_save
eros_fp_save:
        stp     q0, q1, [x0, #32 * 0]
        stp     q2, q3, [x0, #32 * 1]
        stp     q4, q5, [x0, #32 * 2]
        stp     q6, q7, [x0, #32 * 3]
        stp     q8, q9, [x0, #32 * 4]
        stp     q10, q11, [x0, #32 * 5]
        stp     q12, q13, [x0, #32 * 6]
        stp     q14, q15, [x0, #32 * 7]
        stp     q16, q17, [x0, #32 * 8]
        stp     q18, q19, [x0, #32 * 9]
        stp     q20, q21, [x0, #32 * 10]
        stp     q22, q23, [x0, #32 * 11]
        stp     q24, q25, [x0, #32 * 12]
        stp     q26, q27, [x0, #32 * 13]
        stp     q28, q29, [x0, #32 * 14]
        stp     q30, q31, [x0, #32 * 15]
        mrs     x1, fpcr
        mrs     x2, fpsr
        add     x0, x0, #512
        stp     x1, x2, [x0]
        ret

        .global eros_fp_restore
eros_fp_restore:
        ldp     q0, q1, [x0, #32 * 0]
        ldp     q2, q3, [x0, #32 * 1]
        ldp     q4, q5, [x0, #32 * 2]
        ldp     q6, q7, [x0, #32 * 3]
        ldp     q8, q9, [x0, #32 * 4]
        ldp     q10, q11, [x0, #32 * 5]
        ldp     q12, q13, [x0, #32 * 6]
        ldp     q14, q15, [x0, #32 * 7]
        ldp     q16, q17, [x0, #32 * 8]
        ldp     q18, q19, [x0, #32 * 9]
        ldp     q20, q21, [x0, #32 * 10]
        ldp     q22, q23, [x0, #32 * 11]
        ldp     q24, q25, [x0, #32 * 12]
        ldp     q26, q27, [x0, #32 * 13]
        ldp     q28, q29, [x0, #32 * 14]
        ldp     q30, q31, [x0, #32 * 15]
        add     x0, x0, #512
        ldp     x1, x2, [x0]
        msr     fpcr, x1
        msr     fpsr, x2
        ret

// The initial state: every register zero, FPCR and FPSR zero (round to nearest, no traps).
        .global eros_fp_zero
eros_fp_zero:
        movi    v0.2d, #0
        movi    v1.2d, #0
        movi    v2.2d, #0
        movi    v3.2d, #0
        movi    v4.2d, #0
        movi    v5.2d, #0
        movi    v6.2d, #0
        movi    v7.2d, #0
        movi    v8.2d, #0
        movi    v9.2d, #0
        movi    v10.2d, #0
        movi    v11.2d, #0
        movi    v12.2d, #0
        movi    v13.2d, #0
        movi    v14.2d, #0
        movi    v15.2d, #0
        movi    v16.2d, #0
        movi    v17.2d, #0
        movi    v18.2d, #0
        movi    v19.2d, #0
        movi    v20.2d, #0
        movi    v21.2d, #0
        movi    v22.2d, #0
        movi    v23.2d, #0
        movi    v24.2d, #0
        movi    v25.2d, #0
        movi    v26.2d, #0
        movi    v27.2d, #0
        movi    v28.2d, #0
        movi    v29.2d, #0
        movi    v30.2d, #0
        movi    v31.2d, #0
        msr     fpcr, xzr
        msr     fpsr, xzr
        ret
