// The exception vector table and its two entry/exit paths: a system call saves what the
// C code may clobber in an SvcFrame (el0_svc); every other exception saves the whole
// interrupted state in a Frame (frame_layout.h) and calls traps.cpp with it. Each way out
// restores its frame and erets. From EL0, SP_EL1 is the top of the running domain's
// kernel stack, so its frame is always in the same place.
#include "arch/aarch64/frame_layout.h"

// The first two registers are saved in the vector slot itself, so that x1 can say which
// slot it was; the rest is common.
.macro VENTRY target, kind
        .balign 0x80
        sub     sp, sp, #FRAME_BYTES
        stp     x0, x1, [sp]
        mov     x1, #\kind
        b       \target
.endm

// svc #0: the register form's Message and ReceiveDesc are stored as the core reads them
// (SvcFrame), and only what the C code may clobber besides; x19..x29 it keeps itself,
// x10..x15 it never uses (-ffixed), and those and SP_EL0, ELR_EL1, SPSR_EL1 stay as they
// are unless the domain is switched away from, which keeps them (switch_stack).
// x8 = 0x10 | op goes to eros_svc_call, _return or _send (key, &message), tested in that
// order (a Call first: the null system call's path), whose Result comes back in x0..x5;
// any other x8 to eros_svc_slow(frame), which leaves x0..x5 in the frame. The vector
// slot holds all of a Call's path (x18, x30, x1 and x2 stored there already), so that it
// has no branch but the call's. x18 and x30 are the frame's first pair: its first store
// makes the frame (pre-index), its last load frees it (post-index).
.macro SVC_ENTRY
        stp     x3, x4, [sp, #SVC_MESSAGE + 16]
        stp     x5, x6, [sp, #SVC_MESSAGE + 32]
        stp     x7, x9, [sp, #SVC_RECEIVE]
        stp     x8, x0, [sp, #SVC_X8]
        stp     x16, x17, [sp, #SVC_X16]
        add     x1, sp, #SVC_MESSAGE
        adrp    x2, eros_user_sp        // the watchdog's sign of progress: nonzero
        str     x1, [x2, :lo12:eros_user_sp]
        cmp     x8, #0x10               // a Call first: the null system call's path
        b.ne    svc_other
        bl      eros_svc_call
        SVC_RESULT
        SVC_EXIT
.endm
.macro SVC_RESULT
        ldp     x2, x3, [x0, #16]       // the Result: status | key_info << 16 | sent << 32,
        ldp     x4, x5, [x0, #32]       // landed, w0..w3
        ldp     x0, x1, [x0]
.endm
.macro SVC_EXIT
        ldp     x6, x7, [sp, #SVC_MESSAGE + 40]
        ldp     x9, x8, [sp, #SVC_RECEIVE + 8]
        ldp     x16, x17, [sp, #SVC_X16]
        ldp     x18, x30, [sp], #SVC_BYTES
        eret
.endm

        .bss
        .balign 8
        .global eros_user_sp
eros_user_sp:   .quad 0

        .text
        .balign 2048
        .global eros_vectors
eros_vectors:
        VENTRY  unexpected, 0           // current EL, SP_EL0: the kernel never uses SP_EL0
        VENTRY  unexpected, 1
        VENTRY  unexpected, 2
        VENTRY  unexpected, 3
        VENTRY  el1_sync, 4             // current EL, SP_EL1: a fault in the kernel
        VENTRY  el1_irq, 5              // an interrupt while the kernel waits
        VENTRY  unexpected, 6           // FIQ
        VENTRY  unexpected, 7           // SError
        .balign 0x80                    // EL0, AArch64: svc goes on in the slot itself
el0_sync_slot:                          // (el0_svc); aborts, undefined, FP to el0_sync
        stp     x18, x30, [sp, #-SVC_BYTES]!    // the svc frame first, so that x1 is free
        stp     x1, x2, [sp, #SVC_MESSAGE]      // to read the class with
        mrs     x1, esr_el1
        lsr     x1, x1, #26
        cmp     x1, #0x15
        b.ne    el0_not_svc
el0_svc:
        SVC_ENTRY
        .if . - el0_sync_slot > 0x80
        .error "el0_svc's entry overflows its vector slot"
        .endif
        VENTRY  el0_irq, 9
        VENTRY  unexpected, 10
        VENTRY  unexpected, 11
        VENTRY  unexpected, 12          // EL0, AArch32: never (EL0 is AArch64 only)
        VENTRY  unexpected, 13
        VENTRY  unexpected, 14
        VENTRY  unexpected, 15

.macro SAVE_REST
        stp     x2, x3, [sp, #16 * 1]
        stp     x4, x5, [sp, #16 * 2]
        stp     x6, x7, [sp, #16 * 3]
        stp     x8, x9, [sp, #16 * 4]
        stp     x10, x11, [sp, #16 * 5]
        stp     x12, x13, [sp, #16 * 6]
        stp     x14, x15, [sp, #16 * 7]
        stp     x16, x17, [sp, #16 * 8]
        stp     x18, x19, [sp, #16 * 9]
        stp     x20, x21, [sp, #16 * 10]
        stp     x22, x23, [sp, #16 * 11]
        stp     x24, x25, [sp, #16 * 12]
        stp     x26, x27, [sp, #16 * 13]
        stp     x28, x29, [sp, #16 * 14]
        mrs     x21, sp_el0
        stp     x30, x21, [sp, #FRAME_SP - 8]
        mrs     x22, elr_el1
        mrs     x23, spsr_el1
        stp     x22, x23, [sp, #FRAME_ELR]
        mrs     x24, esr_el1
        mrs     x25, far_el1
        stp     x24, x25, [sp, #FRAME_ESR]
        mov     x0, sp
.endm

// Not an svc: the svc frame's start becomes the full Frame's, x1 taken back from it.
el0_not_svc:
        sub     sp, sp, #FRAME_BYTES - SVC_BYTES
        ldr     x1, [sp, #FRAME_BYTES - SVC_BYTES + SVC_MESSAGE]
        stp     x0, x1, [sp]
        mov     x1, #8
el0_sync:
        SAVE_REST
        bl      eros_el0_sync
        b       eros_enter_user
el0_irq:
        SAVE_REST
        mov     x1, #1
        bl      eros_irq
        b       eros_enter_user
el1_irq:
        SAVE_REST
        mov     x1, #0
        bl      eros_irq
        b       eros_enter_user
el1_sync:
        SAVE_REST
        bl      eros_el1_sync           // never returns
unexpected:
        SAVE_REST
        bl      eros_unexpected         // never returns

// The rest of the svc path (the entry is SVC_ENTRY, in the vector slot).
svc_other:
        cmp     x8, #0x11               // Return: the other half of every IPC
        b.ne    1f
        bl      eros_svc_return
        SVC_RESULT                      // (a copy: no branch on the other half either)
        SVC_EXIT
1:      cmp     x8, #0x12
        b.ne    svc_slow
        bl      eros_svc_send
svc_result:
        SVC_RESULT
svc_exit:
        SVC_EXIT
svc_slow:
        mov     x0, sp
        bl      eros_svc_slow
        ldp     x1, x2, [sp, #SVC_MESSAGE]
        ldp     x3, x4, [sp, #SVC_MESSAGE + 16]
        ldr     x5, [sp, #SVC_MESSAGE + 32]
        ldr     x0, [sp, #SVC_X8 + 8]
        b       svc_exit

// Leaves through the frame at sp: the first entry of a domain (prepared by the kernel)
// and the return of every exception.
        .global eros_enter_user
eros_enter_user:
        ldp     x22, x23, [sp, #FRAME_ELR]
        msr     elr_el1, x22
        msr     spsr_el1, x23
        ldp     x30, x21, [sp, #FRAME_SP - 8]
        msr     sp_el0, x21
        ldp     x0, x1, [sp, #16 * 0]
        ldp     x2, x3, [sp, #16 * 1]
        ldp     x4, x5, [sp, #16 * 2]
        ldp     x6, x7, [sp, #16 * 3]
        ldp     x8, x9, [sp, #16 * 4]
        ldp     x10, x11, [sp, #16 * 5]
        ldp     x12, x13, [sp, #16 * 6]
        ldp     x14, x15, [sp, #16 * 7]
        ldp     x16, x17, [sp, #16 * 8]
        ldp     x18, x19, [sp, #16 * 9]
        ldp     x20, x21, [sp, #16 * 10]
        ldp     x22, x23, [sp, #16 * 11]
        ldp     x24, x25, [sp, #16 * 12]
        ldp     x26, x27, [sp, #16 * 13]
        ldp     x28, x29, [sp, #16 * 14]
        add     sp, sp, #FRAME_BYTES
        eret
