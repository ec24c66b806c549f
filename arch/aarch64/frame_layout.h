/* The exception frame's layout, one definition for vectors.S and machine.hpp (which
 * static_asserts struct Frame against it). */
#define FRAME_SP    248
#define FRAME_ELR   256
#define FRAME_SPSR  264
#define FRAME_ESR   272
#define FRAME_FAR   280
#define FRAME_BYTES 288

/* The system call's frame (vectors.S, el0_svc): x1..x6 are a Message and x7, x9 a
 * ReceiveDesc as the core reads them (arch/aarch64/user_trap.hpp puts them there), then
 * the rest the call may clobber; x19..x29 are the C code's to keep, and x10..x15 the kernel
 * never uses (-ffixed, arch/aarch64/meson.build): only a switch keeps them (switch_stack). */
#define SVC_X18     0      /* x18, x30: first (vectors.S makes and frees the frame with them) */
#define SVC_MESSAGE 16     /* x1, x2, x3, x4, x5, x6 */
#define SVC_RECEIVE 64     /* x7, x9 */
#define SVC_X8      80     /* x8 (the operation), x0 (the key register): x8 right after x9, so
                              that the exit loads x6, x7 and x9, x8 as two pairs */
#define SVC_X16     96     /* x16, x17 (an indirect tail call needs them: not fixed) */
#define SVC_BYTES   112    /* SP_EL0, ELR_EL1, SPSR_EL1: in the resume record (switch_stack) */
