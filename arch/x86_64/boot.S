// Bare-metal x86_64 entry and the few paths that must be assembly: the Multiboot 1 header
// (a.out kludge, so QEMU's -kernel loads this 64-bit ELF as a flat image) and a Multiboot 2
// header (GRUB's multiboot2, the ISO), the 32-bit entry
// that builds boot page tables and enters long mode, the syscall entry and exit, the
// first entry of a domain into ring 3, the vector-register checks, and the exception
// stubs. (The kernel-stack switch is inline asm: platform_impl.hpp, switch_stack.)
//
// The image is linked at KERNEL_VMA + physical address (the top 2 GB, -mcmodel=kernel);
// until paging is on, the 32-bit code uses physical addresses: symbol - KERNEL_VMA.

#define KERNEL_VMA 0xFFFFFFFF80000000
#define PHYS(x) ((x) - KERNEL_VMA)

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003   /* page-align modules, memory info, a.out kludge addresses */
#define MB2_INFO_MAX 16384     /* bytes of the Multiboot 2 info kept (eros_multiboot2_copy) */

        .section .multiboot, "a"
        .balign 4
multiboot_header:
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)
        .long PHYS(multiboot_header)    // header_addr
        .long PHYS(__image_start)       // load_addr
        .long PHYS(__load_end)          // load_end_addr
        .long PHYS(__bss_end)           // bss_end_addr
        .long PHYS(_start32)            // entry_addr

// Multiboot 2 (GRUB's `multiboot2`, from the ISO, BIOS or UEFI): the same flat load as the
// a.out kludge (address tag) and the same 32-bit entry (entry address tag). No EFI
// boot-services tags, so under UEFI too GRUB exits boot services and enters _start32 in
// 32-bit protected mode with paging off: eax = 0x36D76289, ebx = the info (its tags).
#define MB2_MAGIC 0xE85250D6
        .balign 8
multiboot2_header:
        .long MB2_MAGIC
        .long 0                         // architecture: i386 (32-bit protected mode)
        .long multiboot2_end - multiboot2_header
        .long -(MB2_MAGIC + (multiboot2_end - multiboot2_header))
        .balign 8
        .word 2, 0                      // address tag
        .long 24
        .long PHYS(multiboot2_header)   // header_addr
        .long PHYS(__image_start)       // load_addr
        .long PHYS(__load_end)          // load_end_addr
        .long PHYS(__bss_end)           // bss_end_addr
        .balign 8
        .word 3, 0                      // entry address tag
        .long 12
        .long PHYS(_start32)
        .balign 8
        .word 5, 1                      // framebuffer tag, optional: a linear framebuffer
        .long 20                        // for the screen console (arch/x86_64/console.cpp),
        .long 1024, 768, 32             // preferably 1024 x 768, 32 bits per pixel
        .balign 8
        .word 0, 0                      // end tag
        .long 8
multiboot2_end:

        .section .boot32, "ax"
        .code32
        .global _start32
_start32:
        cli
        cld
        movl    %ebx, PHYS(eros_multiboot_info)
        movl    %eax, PHYS(eros_multiboot_magic)
        movl    $PHYS(boot_stack_top), %esp

        // Multiboot 2: copy the info (its tags) into the image's bss now, wherever the
        // loader put it (under UEFI it may lie above the first GB, or where frames go).
        cmpl    $0x36D76289, %eax
        jne     1f
        movl    %ebx, %esi
        movl    (%esi), %ecx            // total_size
        cmpl    $MB2_INFO_MAX, %ecx
        jbe     2f
        movl    $MB2_INFO_MAX, %ecx
2:      addl    $3, %ecx
        shrl    $2, %ecx
        movl    $PHYS(eros_multiboot2_copy), %edi
        rep movsl
        movl    $PHYS(eros_multiboot2_copy), %eax
        movl    %eax, PHYS(eros_multiboot_info)
1:

        // Zero the boot page tables (5 pages, contiguous in .bss.boot).
        movl    $PHYS(boot_pml4), %edi
        xorl    %eax, %eax
        movl    $(5 * 1024), %ecx
        rep stosl

        // boot_pd: 512 x 2 MB pages = the first 1 GB, present + writable + large.
        movl    $PHYS(boot_pd), %edi
        movl    $0x83, %eax
        movl    $512, %ecx
1:      movl    %eax, (%edi)
        movl    $0, 4(%edi)
        addl    $0x200000, %eax
        addl    $8, %edi
        loop    1b

        // One PD, three views: identity (until the kernel removes it), the direct map at
        // 0xFFFF800000000000, and the kernel image at KERNEL_VMA.
        movl    $PHYS(boot_pd), %eax
        orl     $3, %eax
        movl    %eax, PHYS(boot_pdpt_low)
        movl    %eax, PHYS(boot_pdpt_dm)
        movl    %eax, PHYS(boot_pdpt_high) + 510 * 8
        movl    $PHYS(boot_pdpt_low), %eax
        orl     $3, %eax
        movl    %eax, PHYS(boot_pml4)
        movl    $PHYS(boot_pdpt_dm), %eax
        orl     $3, %eax
        movl    %eax, PHYS(boot_pml4) + 256 * 8
        movl    $PHYS(boot_pdpt_high), %eax
        orl     $3, %eax
        movl    %eax, PHYS(boot_pml4) + 511 * 8

        movl    %cr4, %eax
        orl     $0x20, %eax             // PAE
        movl    %eax, %cr4
        movl    $PHYS(boot_pml4), %eax
        movl    %eax, %cr3
        movl    $0xC0000080, %ecx       // EFER
        rdmsr
        orl     $0x100, %eax            // LME
        wrmsr
        movl    %cr0, %eax
        orl     $0x80000001, %eax       // PG | PE
        movl    %eax, %cr0
        lgdt    PHYS(boot_gdtr)
        ljmp    $0x08, $PHYS(long_mode)

        .code64
long_mode:
        movabsq $higher_half, %rax
        jmp     *%rax
higher_half:
        movw    $0x10, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        xorl    %eax, %eax
        movw    %ax, %fs
        movw    %ax, %gs
        movabsq $boot_stack_top, %rsp
        xorl    %ebp, %ebp
        call    eros_kmain
2:      hlt
        jmp     2b

        .section .rodata
        .balign 8
boot_gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF        // 0x08: 64-bit code, ring 0
        .quad 0x00CF92000000FFFF        // 0x10: data, ring 0
boot_gdt_end:
boot_gdtr:
        .word boot_gdt_end - boot_gdt - 1
        .long PHYS(boot_gdt)

        .section .bss.boot, "aw", @nobits
        .balign 4096
        .global boot_pml4, boot_pd, boot_pdpt_dm
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_dm:   .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
boot_stack:     .skip 16384
boot_stack_top:

        .section .bss
        .balign 8
        .global eros_multiboot_info, eros_multiboot_magic
eros_multiboot_info:  .quad 0
eros_multiboot_magic: .quad 0
        .global eros_multiboot2_copy
        .balign 8
eros_multiboot2_copy: .skip MB2_INFO_MAX
        .global eros_user_rsp
eros_user_rsp:   .quad 0
#define KSTACK_TOP (eros_tss + 4)      // TSS.rsp0: the running domain's kernel stack

        .text
// ---- syscall: two forms of one trap (arch/x86_64/user_trap.hpp) -------------------------
// Registers (rax = 0x10 | op): dil = key register, rsi rdx r10 r8 = w0..w3,
//   r9 = k[0..3] | len << 32, r12 = str, r13 = receive buffer, r14 = limit | r[0..3] << 32.
//   Returns rax = status | key_info << 16 | sent << 32, rdi = landed, rsi rdx r10 r8 =
//   w0..w3; every other register but rcx and r11 is kept.
// Pointers (rax = op, 0..2; 3 is the exit trap): rdi = key register, rsi = &Message,
//   rdx = &ReceiveDesc, r10 = &Result; everything but rax (0), rcx and r11 is kept. The
//   structures are read and the result written directly, in ring 0: every lower-half page
//   is a user page, so after a range check a supervisor access reaches exactly what the
//   domain may (CR0.WP: a read-only page faults on a write too). A fault on one of these
//   accesses is not the kernel's: eros_exception sends it to the fixup (eros_uaccess_*).
// Both forms build the same frame, the Message and ReceiveDesc as the core reads them,
// then call eros_trap_call / _return / _send (key, &message), which return the invoker's
// Result.
        .global eros_syscall_entry
eros_syscall_entry:
        movq    %rsp, eros_user_rsp(%rip)
        movq    KSTACK_TOP(%rip), %rsp
        pushq   eros_user_rsp(%rip)
        pushq   %rcx
        pushq   %r11                    // rcx and r11 are scratch from here on
        cmpq    $0x12, %rax
        ja      syscall_pointers        // no such operation (the pointer form refuses it)
        jmp     *syscall_forms(, %rax, 8)
.macro SYSCALL_MESSAGE                  // the Message and ReceiveDesc, as the core reads them
        pushq   %r14                    // ReceiveDesc: limit | r[0..3] << 32
        pushq   %r13                    //              buffer
        pushq   %r12                    // Message: str
        pushq   %r9                     //          k[0..3] | len << 32
        pushq   %r8                     //          w3
        pushq   %r10                    //          w2
        pushq   %rdx                    //          w1
        pushq   %rsi                    //          w0
        movq    %rsp, %rsi
.endm
.macro SYSCALL_RESULT                   // rax = the invoker's Result
        movq    8(%rax), %rdi
        movq    16(%rax), %rsi
        movq    24(%rax), %rdx
        movq    32(%rax), %r10
        movq    40(%rax), %r8
        movq    (%rax), %rax
        movq    32(%rsp), %r9
        addq    $72, %rsp
        popq    %r11
        popq    %rcx
        popq    %rsp
        sysretq
.endm
syscall_return:
        pushq   %rax                    // keeps the stack 16-byte aligned at the call
        SYSCALL_MESSAGE
        call    eros_trap_return
        SYSCALL_RESULT
syscall_send:
        pushq   %rax
        SYSCALL_MESSAGE
        call    eros_trap_send
        SYSCALL_RESULT

        .section .rodata
        .balign 8
syscall_forms:                          // by rax: the pointer form's 0..15, then 0x10 | op
        .rept 16
        .quad syscall_pointers
        .endr
        .quad syscall_call, syscall_return, syscall_send
        .text

// A Call: every key kind, kernel objects too, goes through the core's Kernel::call.
syscall_call:
        pushq   %rax                    // keeps the stack 16-byte aligned at the call
        SYSCALL_MESSAGE
        call    eros_trap_call
        SYSCALL_RESULT

// The frame of the pointer form, below rsp, rcx, r11: rax, the caller's r9 r8 r10 rdx rsi
// rdi (kept), then the Message and ReceiveDesc read from its pointers.
#define PF_KEPT 80                      // kstack_top - PF_KEPT: the kept rdi, rsi, ...
#define PF_R10 88                       // after the eight pushes of the structures
syscall_pointers:
        pushq   %rax
        pushq   %r9
        pushq   %r8
        pushq   %r10
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi                    // 10 pushes: 8 more keep it 16-byte aligned
        cmpq    $2, %rax
        ja      syscall_irregular       // the exit trap, or no such operation
        cmpq    $255, %rdi              // a key register beyond 255 is 255 (BadRegister)
        jbe     1f
        movl    $255, %edi
1:
        movq    %rsi, %rcx
        orq     %rdx, %rcx
        orq     %r10, %rcx
        shrq    $47, %rcx               // all three below the non-canonical hole?
        jnz     syscall_irregular
        .global eros_uaccess_in, eros_uaccess_in_end
eros_uaccess_in:
        orb     $0, (%r10)              // the Result writable: changes nothing
        orb     $0, 47(%r10)
        pushq   8(%rdx)
        pushq   (%rdx)
        pushq   40(%rsi)
        pushq   32(%rsi)
        pushq   24(%rsi)
        pushq   16(%rsi)
        pushq   8(%rsi)
        pushq   (%rsi)
eros_uaccess_in_end:
        movq    %rsp, %rsi
        call    *eros_trap_ops(, %rax, 8)
        movq    PF_R10(%rsp), %rcx
        .global eros_uaccess_out, eros_uaccess_out_end
eros_uaccess_out:                       // probed writable at entry; a fault skips the rest
        movq    (%rax), %r11
        movq    %r11, (%rcx)
        movq    8(%rax), %r11
        movq    %r11, 8(%rcx)
        movq    16(%rax), %r11
        movq    %r11, 16(%rcx)
        movq    24(%rax), %r11
        movq    %r11, 24(%rcx)
        movq    32(%rax), %r11
        movq    %r11, 32(%rcx)
        movq    40(%rax), %r11
        movq    %r11, 40(%rcx)
eros_uaccess_out_end:
        .global eros_uaccess_out_fault
eros_uaccess_out_fault:
        addq    $64, %rsp
syscall_pointers_exit:
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %r10
        popq    %r8
        popq    %r9
        addq    $8, %rsp
        popq    %r11
        popq    %rcx
        popq    %rsp
        xorl    %eax, %eax
        sysretq

// A refused trap: a pointer outside the user half or a fault on one of the accesses above
// (the fixup comes here with any number of the eight pushes done), the exit trap, or no
// such operation. eros_syscall_irregular(op, frame) halts, or tells the keeper; when the
// domain is resumed the trap returns having done nothing.
        .global eros_uaccess_in_fault
eros_uaccess_in_fault:
syscall_irregular:
        movq    KSTACK_TOP(%rip), %rsp
        subq    $PF_KEPT, %rsp          // the six kept registers (none of the eight pushes)
        movq    %rax, %rdi
        movq    %rsp, %rsi
        call    eros_syscall_irregular
        jmp     syscall_pointers_exit

// A new domain's kernel stack "returns" here from switch_stack (platform_impl.hpp), with
// the program, its data area and its parameter, then its iret frame, above: they become
// the runtime's arguments.
        .global eros_enter_user
eros_enter_user:
        popq    %rdi
        popq    %rsi
        popq    %rdx
        xorl    %eax, %eax
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %ebp, %ebp
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        xorl    %r10d, %r10d
        xorl    %r11d, %r11d
        xorl    %r12d, %r12d
        xorl    %r13d, %r13d
        xorl    %r14d, %r14d
        xorl    %r15d, %r15d
        iretq

// ---- vector state ------------------------------------------------------------------
// bool eros_vector_clean(void): are the vector registers in their initial state: XMM0-15
// zero, MXCSR 0x1F80, x87 control word 0x37F and status word 0, and with XSAVE the upper
// halves of YMM0-15 zero (AVX) and the AVX-512 state initial (XINUSE)? Changes none of
// them (clobbers rax, rcx, rdx).
        .global eros_vector_clean
eros_vector_clean:
        subq    $24, %rsp
        stmxcsr (%rsp)
        cmpl    $0x1F80, (%rsp)
        jne     1f
        fnstcw  4(%rsp)
        cmpw    $0x37F, 4(%rsp)
        jne     1f
        fnstsw  %ax
        testw   %ax, %ax
        jnz     1f
        movdqu  %xmm0, 8(%rsp)
        por     %xmm1, %xmm0
        por     %xmm2, %xmm0
        por     %xmm3, %xmm0
        por     %xmm4, %xmm0
        por     %xmm5, %xmm0
        por     %xmm6, %xmm0
        por     %xmm7, %xmm0
        por     %xmm8, %xmm0
        por     %xmm9, %xmm0
        por     %xmm10, %xmm0
        por     %xmm11, %xmm0
        por     %xmm12, %xmm0
        por     %xmm13, %xmm0
        por     %xmm14, %xmm0
        por     %xmm15, %xmm0
        movq    %xmm0, %rax
        psrldq  $8, %xmm0
        movq    %xmm0, %rdx
        movdqu  8(%rsp), %xmm0          // (legacy SSE: YMM0's upper half left as it is)
        orq     %rdx, %rax
        jnz     1f
        // With XSAVE: the components beyond SSE that XCR0 enables must be initial too.
        movq    eros_vector_xcr0(%rip), %rax
        testb   $4, %al                 // AVX: the upper halves of YMM0-15 (their lower
        jz      3f                      // halves are zero by now, so vptest sees the upper)
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        vptest  %ymm\n, %ymm\n
        jnz     1f
        .endr
        testb   $0xE0, %al              // AVX-512 (opmask, ZMM): known initial only
        jz      3f                      // through XINUSE, else taken as not initial
        cmpb    $0, eros_vector_xinuse(%rip)
        je      1f
        movl    $1, %ecx
        xgetbv
        testb   $0xE0, %al
        jnz     1f
3:      movl    $1, %eax
        addq    $24, %rsp
        ret
1:      xorl    %eax, %eax
        addq    $24, %rsp
        ret

// void eros_vector_zero(void): XMM0-15 to zero (after the kernel's own copy used them).
        .global eros_vector_zero
eros_vector_zero:
        pxor    %xmm0, %xmm0
        pxor    %xmm1, %xmm1
        pxor    %xmm2, %xmm2
        pxor    %xmm3, %xmm3
        pxor    %xmm4, %xmm4
        pxor    %xmm5, %xmm5
        pxor    %xmm6, %xmm6
        pxor    %xmm7, %xmm7
        pxor    %xmm8, %xmm8
        pxor    %xmm9, %xmm9
        pxor    %xmm10, %xmm10
        pxor    %xmm11, %xmm11
        pxor    %xmm12, %xmm12
        pxor    %xmm13, %xmm13
        pxor    %xmm14, %xmm14
        pxor    %xmm15, %xmm15
        ret

// ---- exceptions 0..31 -------------------------------------------------------------
.macro EXC_NOERR n
exc_\n:
        pushq   $0
        pushq   $\n
        jmp     exc_common
.endm
.macro EXC_ERR n
exc_\n:
        pushq   $\n
        jmp     exc_common
.endm

EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR   8
EXC_NOERR 9
EXC_ERR   10
EXC_ERR   11
EXC_ERR   12
EXC_ERR   13
EXC_ERR   14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR   17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR   21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR   29
EXC_ERR   30
EXC_NOERR 31

exc_common:
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, %rdi
        cld
        call    eros_exception
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
        addq    $16, %rsp
        iretq

// The LAPIC timer (vector 32): the same frame as an exception without an error code.
        .global eros_timer_stub, eros_spurious_stub
eros_timer_stub:
        pushq   $0
        pushq   $32
        jmp     exc_common
// The LAPIC's spurious vector: no EOI, nothing to do.
eros_spurious_stub:
        iretq

        .section .rodata
        .balign 8
        .global eros_exception_stubs
eros_exception_stubs:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad exc_\n
        .endr

        .section .note.GNU-stack, "", @progbits
