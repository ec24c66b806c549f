/* The exception frame's layout, one definition for vectors.S and machine.hpp (which
 * static_asserts struct Frame against it). */
#define FRAME_SP    248
#define FRAME_ELR   256
#define FRAME_SPSR  264
#define FRAME_ESR   272
#define FRAME_FAR   280
#define FRAME_BYTES 288
