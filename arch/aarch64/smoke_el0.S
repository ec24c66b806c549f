// The smoke test's EL0 program (one page, mapped executable and read-only at EL0):
// x0 = its data area (3 pages, writable), x1 = a read-only page, x2 = an unmapped page.
// Results go to data[]: [0] the 2,000-iteration loop's PMCCNTR delta, [1..1000] each null
// svc's, [1001] the long computation's, [1002] what the demand-paged page read back,
// [1003] the read-only page after the refused store, [1004] a value through d0.
// svc #0 with x8 = 0: null; x8 = 1: exit.
        .section .user_smoke, "ax"
        .balign 4096
        .global eros_smoke_start
eros_smoke_start:
        mov     x19, x0
        mov     x20, x1
        mov     x21, x2

        mov     x10, #2000
        mrs     x9, pmccntr_el0
1:      subs    x10, x10, #1
        b.ne    1b
        mrs     x11, pmccntr_el0
        sub     x11, x11, x9
        str     x11, [x19]

        add     x13, x19, #8
        mov     x12, #1000
2:      mov     x8, #0
        mrs     x9, pmccntr_el0
        svc     #0
        mrs     x11, pmccntr_el0
        sub     x11, x11, x9
        str     x11, [x13], #8
        subs    x12, x12, #1
        b.ne    2b

        movz    x10, #0xC6C0            // 3,000,000 iterations: ~6 ms of 1 ns instructions
        movk    x10, #0x2D, lsl #16
        mrs     x9, pmccntr_el0
3:      subs    x10, x10, #1
        b.ne    3b
        mrs     x11, pmccntr_el0
        sub     x11, x11, x9
        str     x11, [x19, #8 * 1001]

        mov     x10, #0x5a
        str     x10, [x21]              // unmapped: the kernel maps a fresh page, resumes
        ldr     x11, [x21]
        str     x11, [x19, #8 * 1002]

        str     x10, [x20]              // read-only: reported, skipped
        ldr     x11, [x20]
        str     x11, [x19, #8 * 1003]

        fmov    d0, x10                 // FP: the first use traps, the kernel enables it
        fmov    x11, d0
        str     x11, [x19, #8 * 1004]

        udf     #0                      // undefined: reported, skipped

        mov     x8, #1
        svc     #0
4:      b       4b
