// arm64 entry: the Linux Image header (QEMU -kernel, U-Boot and the Raspberry Pi firmware
// load the flat image at any 4 KB-aligned address and enter it with x0 = the device
// tree's physical address, MMU off), the drop from EL2 to EL1, early page tables and the
// MMU, then the jump to the image's linked address in the high half.
//
// Until the MMU is on every address is the load address: adr/adrp are PC-relative, so
// this code reaches its tables wherever the image lies. The kernel image is mapped with
// 4 KB pages (no 2 MB alignment of the load address is needed), and the direct map gets
// 1 GB blocks for the kernel's and the device tree's gigabytes, which paging.cpp replaces
// by the RAM ranges of /memory once the tree is read.

#define PAGE_TEXT     0x0040000000000783   // UXN | AF | inner shareable | EL1 read-only | MAIR 0 | page
#define PAGE_DATA     0x0060000000000703   // UXN | PXN | AF | inner shareable | MAIR 0 | page
#define BLOCK_KERNEL  0x0040000000000701   // the same as a block
#define BLOCK_IDMAP   0x0000000000000701   // executable: the MMU is switched on from it
#define MAIR_VALUE    0x4404FF             // 0: Normal WB, 1: Device nGnRE, 2: Normal NC
#define KERNEL_L3     8                    // page tables for the image: 8 x 2 MB
#define SCTLR_RES1    0x30D00800           // RES1 in ARMv8.0 (EIS, EOS, SPAN, ...: benign later)
// M, C, SA, SA0, I, DZE, UCT with the RES1 bits; no alignment checks, no WXN. Clear: UMA
// (EL0 may not mask interrupts), nTWI/nTWE (EL0's WFI/WFE trap), UCI (EL0's cache
// maintenance traps): privileged instructions at EL0 are faults (arch/aarch64/trap.cpp).
#define SCTLR_ON      (SCTLR_RES1 | 0xD01D)

        .section .text.head, "ax"
        .global _start
_start:
        b       primary                 // code0
        .word   0                       // code1
        .quad   0                       // text_offset: at a 2 MB boundary (or anywhere, flags)
        .quad   __image_size            // the image with its bss: what the loader keeps free
        .quad   0xA                     // little endian, 4 KB pages, any physical placement
        .quad   0, 0, 0                 // reserved
        .ascii  "ARM\x64"               // magic
        .word   0                       // reserved (PE header offset: none)

primary:
        mov     x19, x0                 // the device tree
        adr     x20, _start             // where we were loaded
        mrs     x21, CurrentEL          // for the banner: EL2 or EL1
        msr     daifset, #0xf
        mrs     x0, CurrentEL
        and     x0, x0, #0xc
        cmp     x0, #8
        b.ne    el1

        // EL2 (the Raspberry Pi firmware, QEMU virtualization=on): give EL1 the machine.
        mov     x0, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64; nothing trapped
        msr     hcr_el2, x0
        mrs     x0, cnthctl_el2
        orr     x0, x0, #3              // EL1PCTEN, EL1PCEN: the physical timer for EL1
        msr     cnthctl_el2, x0
        msr     cntvoff_el2, xzr        // virtual count = physical count
        mov     x0, #0x33ff             // CPTR_EL2: RES1 bits, FP/SIMD not trapped
        msr     cptr_el2, x0
        msr     hstr_el2, xzr
        mrs     x0, pmcr_el0            // MDCR_EL2: every counter to EL1, no PMU traps
        ubfx    x0, x0, #11, #5
        msr     mdcr_el2, x0
        msr     vttbr_el2, xzr
        mrs     x0, id_aa64pfr0_el1     // GICv3 system registers: let EL1 use them
        ubfx    x0, x0, #24, #4
        cbz     x0, 1f
        mrs     x0, icc_sre_el2
        mov     x1, #0x9                // SRE, Enable (EL1 may set its SRE)
        orr     x0, x0, x1
        msr     icc_sre_el2, x0
        isb
1:      ldr     x0, =SCTLR_RES1
        msr     sctlr_el1, x0
        mov     x0, #0x3c5              // EL1h, DAIF masked
        msr     spsr_el2, x0
        adr     x0, el1
        msr     elr_el2, x0
        eret

el1:    msr     spsel, #1
        ldr     x0, =SCTLR_RES1         // MMU and caches off, whoever entered us
        msr     sctlr_el1, x0
        isb

        // Zero the boot tables and stack now (the MMU is off: every store goes to memory,
        // one at a time); the rest of the bss once caches are on (high, below).
        adrp    x0, __bss_boot_start
        add     x0, x0, :lo12:__bss_boot_start
        adrp    x1, __bss_boot_end
        add     x1, x1, :lo12:__bss_boot_end
1:      stp     xzr, xzr, [x0], #16
        cmp     x0, x1
        b.lo    1b

        // TTBR0 for now: the load address's gigabyte, identity-mapped.
        adrp    x0, boot_idmap_l0
        adrp    x1, boot_idmap_l1
        lsr     x2, x20, #39
        orr     x3, x1, #3
        str     x3, [x0, x2, lsl #3]
        lsr     x2, x20, #30
        and     x2, x2, #511
        lsl     x3, x2, #30
        mov     x4, #BLOCK_IDMAP
        orr     x3, x3, x4
        str     x3, [x1, x2, lsl #3]

        // TTBR1: L0[0] the direct map, L0[511] -> L1[510] -> L2 -> L3: the image.
        adrp    x0, boot_l0
        adrp    x1, boot_dm_l1
        adrp    x2, boot_k_l1
        adrp    x3, boot_k_l2
        adrp    x4, boot_k_l3
        orr     x5, x1, #3
        str     x5, [x0]
        orr     x5, x2, #3
        str     x5, [x0, #511 * 8]
        orr     x5, x3, #3
        str     x5, [x2, #510 * 8]
        mov     x6, #0
1:      add     x5, x4, x6, lsl #12
        orr     x5, x5, #3
        str     x5, [x3, x6, lsl #3]
        add     x6, x6, #1
        cmp     x6, #KERNEL_L3
        b.lo    1b
        // The image's pages: its text read-only and executable, everything after it
        // (read-only data, the EL0 image, data, bss) writable and never executable.
        ldr     x7, =__image_pages
        ldr     x9, =__text_pages
        ldr     x8, =PAGE_TEXT
        ldr     x10, =PAGE_DATA
        mov     x6, #0
1:      cmp     x6, x9
        csel    x11, x8, x10, lo
        add     x5, x20, x6, lsl #12
        orr     x5, x5, x11
        str     x5, [x4, x6, lsl #3]
        add     x6, x6, #1
        cmp     x6, x7
        b.lo    1b
        ldr     x8, =BLOCK_KERNEL
        lsr     x6, x20, #30
        and     x6, x6, #511
        lsl     x5, x6, #30
        orr     x5, x5, x8
        str     x5, [x1, x6, lsl #3]
        lsr     x6, x19, #30
        and     x6, x6, #511
        lsl     x5, x6, #30
        orr     x5, x5, x8
        str     x5, [x1, x6, lsl #3]

        // Translation control: 48-bit VAs both halves, 4 KB granule, write-back walks,
        // the PA size the CPU has (48 bits at most: no LPA2), 16-bit ASIDs where present.
        ldr     x0, =MAIR_VALUE
        msr     mair_el1, x0
        mrs     x1, id_aa64mmfr0_el1
        and     x2, x1, #7              // PARange
        cmp     x2, #5
        mov     x3, #5
        csel    x2, x2, x3, ls
        movz    x0, #0x3510             // T0SZ 16, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4 KB
        movk    x0, #0xB510, lsl #16    // T1SZ 16, IRGN1/ORGN1 WBWA, SH1 inner, TG1 4 KB
        orr     x0, x0, x2, lsl #32     // IPS
        ubfx    x2, x1, #4, #4          // ASIDBits: 2 = 16 bits
        cmp     x2, #2
        b.ne    1f
        orr     x0, x0, #(1 << 36)      // AS
1:      msr     tcr_el1, x0
        adrp    x0, boot_idmap_l0
        msr     ttbr0_el1, x0
        adrp    x0, boot_l0
        msr     ttbr1_el1, x0
        isb
        tlbi    vmalle1
        ic      iallu
        dsb     nsh
        isb
        ldr     x0, =SCTLR_ON
        msr     sctlr_el1, x0
        isb
        ldr     x0, =high
        br      x0

        .text
high:   ldr     x0, =boot_stack_top
        mov     sp, x0
        // The rest of the bss, cached: DC ZVA's blocks where allowed (DCZID_EL0), else stp.
        ldr     x0, =__bss_start
        ldr     x1, =__bss_end
        mrs     x2, dczid_el0
        tbnz    x2, #4, 2f              // DZP: DC ZVA prohibited
        and     x2, x2, #0xf
        mov     x3, #4
        lsl     x3, x3, x2              // block bytes
        sub     x4, x3, #1
        tst     x0, x4                  // both ends block-aligned (kernel.ld aligns to 4 KB)
        b.ne    2f
1:      cmp     x0, x1
        b.hs    3f
        dc      zva, x0
        add     x0, x0, x3
        b       1b
2:      cmp     x0, x1
        b.hs    3f
        stp     xzr, xzr, [x0], #16
        b       2b
3:
        ldr     x0, =eros_vectors
        msr     vbar_el1, x0
        isb
        mov     x0, x19
        mov     x1, x20
        lsr     x2, x21, #2
        mov     x29, #0
        mov     x30, #0
        bl      eros_kmain
1:      wfi
        b       1b

        .section .bss.boot, "aw", %nobits
        .balign 4096
        .global boot_l0, boot_dm_l1
boot_idmap_l0:  .skip 4096
boot_idmap_l1:  .skip 4096
boot_l0:        .skip 4096
boot_dm_l1:     .skip 4096
boot_k_l1:      .skip 4096
boot_k_l2:      .skip 4096
boot_k_l3:      .skip 4096 * KERNEL_L3
        .balign 16
boot_stack:     .skip 16384
        .global boot_stack_top
boot_stack_top:
