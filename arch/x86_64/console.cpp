// The screen console: everything written to COM1 also appears on the screen, in VGA text
// mode (QEMU's -kernel, GRUB under BIOS in text mode) or on the Multiboot 2 framebuffer
// (GRUB under UEFI or in a graphics mode), drawn with the 5x7 font below at twice its size.
#include "arch/x86_64/console.hpp"

#include "arch/x86_64/baremetal.hpp"

namespace eros::x86 {
namespace {

// ---- the font: printable ASCII, 5 columns x 7 rows, '#' set ---------------------------
constexpr const char* kFont[95][7] = {
    {".....", ".....", ".....", ".....", ".....", ".....", "....."},  // ' '
    {"..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.."},  // !
    {".#.#.", ".#.#.", ".....", ".....", ".....", ".....", "....."},  // "
    {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."},  // #
    {"..#..", ".####", "#.#..", ".###.", "..#.#", "####.", "..#.."},  // $
    {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"},  // %
    {".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"},  // &
    {"..#..", "..#..", ".....", ".....", ".....", ".....", "....."},  // '
    {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."},  // (
    {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."},  // )
    {".....", "..#..", "#.#.#", ".###.", "#.#.#", "..#..", "....."},  // *
    {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."},  // +
    {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."},  // ,
    {".....", ".....", ".....", "#####", ".....", ".....", "....."},  // -
    {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."},  // .
    {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."},  // /
    {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},  // 0
    {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},  // 1
    {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},  // 2
    {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},  // 3
    {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},  // 4
    {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},  // 5
    {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},  // 6
    {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},  // 7
    {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},  // 8
    {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},  // 9
    {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."},  // :
    {".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..."},  // ;
    {"...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."},  // <
    {".....", ".....", "#####", ".....", "#####", ".....", "....."},  // =
    {".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."},  // >
    {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."},  // ?
    {".###.", "#...#", "....#", ".##.#", "#.#.#", "#.#.#", ".###."},  // @
    {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},  // A
    {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."},  // B
    {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."},  // C
    {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."},  // D
    {"#####", "#....", "#....", "####.", "#....", "#....", "#####"},  // E
    {"#####", "#....", "#....", "####.", "#....", "#....", "#...."},  // F
    {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"},  // G
    {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},  // H
    {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},  // I
    {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."},  // J
    {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"},  // K
    {"#....", "#....", "#....", "#....", "#....", "#....", "#####"},  // L
    {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"},  // M
    {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"},  // N
    {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},  // O
    {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."},  // P
    {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"},  // Q
    {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"},  // R
    {".####", "#....", "#....", ".###.", "....#", "....#", "####."},  // S
    {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."},  // T
    {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},  // U
    {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."},  // V
    {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."},  // W
    {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"},  // X
    {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."},  // Y
    {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"},  // Z
    {".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."},  // [
    {".....", "#....", ".#...", "..#..", "...#.", "....#", "....."},  // backslash
    {".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."},  // ]
    {"..#..", ".#.#.", "#...#", ".....", ".....", ".....", "....."},  // ^
    {".....", ".....", ".....", ".....", ".....", ".....", "#####"},  // _
    {".#...", "..#..", ".....", ".....", ".....", ".....", "....."},  // `
    {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"},  // a
    {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "####."},  // b
    {".....", ".....", ".###.", "#....", "#....", "#...#", ".###."},  // c
    {"....#", "....#", ".##.#", "#..##", "#...#", "#...#", ".####"},  // d
    {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."},  // e
    {"..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."},  // f
    {".....", ".####", "#...#", "#...#", ".####", "....#", ".###."},  // g
    {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"},  // h
    {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."},  // i
    {"...#.", ".....", "..##.", "...#.", "...#.", "#..#.", ".##.."},  // j
    {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."},  // k
    {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},  // l
    {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"},  // m
    {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"},  // n
    {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."},  // o
    {".....", ".....", "####.", "#...#", "####.", "#....", "#...."},  // p
    {".....", ".....", ".##.#", "#..##", ".####", "....#", "....#"},  // q
    {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."},  // r
    {".....", ".....", ".###.", "#....", ".###.", "....#", "####."},  // s
    {".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."},  // t
    {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"},  // u
    {".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."},  // v
    {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."},  // w
    {".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"},  // x
    {".....", ".....", "#...#", "#...#", ".####", "....#", ".###."},  // y
    {".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"},  // z
    {"...#.", "..#..", "..#..", ".#...", "..#..", "..#..", "...#."},  // {
    {"..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."},  // |
    {".#...", "..#..", "..#..", "...#.", "..#..", "..#..", ".#..."},  // }
    {".....", ".....", ".#...", "#.#.#", "...#.", ".....", "....."},  // ~
};

// Letters that reach below the line, drawn over 8 rows (the 8th is blank for the rest).
struct Descender {
  char c;
  const char* rows[8];
};
constexpr Descender kDescenders[] = {
    {'g', {".....", ".....", ".####", "#...#", "#...#", ".####", "....#", ".###."}},
    {'j', {"...#.", ".....", "..##.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
    {'p', {".....", ".....", "####.", "#...#", "#...#", "####.", "#....", "#...."}},
    {'q', {".....", ".....", ".####", "#...#", "#...#", ".####", "....#", "....#"}},
    {'y', {".....", ".....", "#...#", "#...#", "#...#", ".####", "....#", ".###."}},
};

// The font as bits, built at compile time: row r of glyph g, bit 4 = leftmost column.
constexpr int kGlyphRows = 8;
struct Bits {
  std::uint8_t row[95][kGlyphRows];
};
constexpr std::uint8_t row_bits(const char* r) {
  std::uint8_t v = 0;
  for (int c = 0; c < 5; ++c) v = static_cast<std::uint8_t>((v << 1) | (r[c] == '#'));
  return v;
}
constexpr Bits make_bits() {
  Bits b{};
  for (int g = 0; g < 95; ++g)
    for (int r = 0; r < 7; ++r) b.row[g][r] = row_bits(kFont[g][r]);
  for (const Descender& d : kDescenders)
    for (int r = 0; r < kGlyphRows; ++r) b.row[d.c - 32][r] = row_bits(d.rows[r]);
  return b;
}
constexpr Bits kBits = make_bits();

// A glyph is drawn at twice its size in a 12 x 18 pixel cell: 1 pixel left, 1 above.
constexpr std::uint32_t kCellW = 12, kCellH = 18, kScale = 2;

// Where the framebuffer is mapped in the kernel half (PML4 slot 384; the direct map is 256).
constexpr std::uint64_t kFramebufferVa = 0xFFFFC00000000000;

enum class Mode { none, text, pixels };

struct Screen {
  Mode mode = Mode::none;
  volatile std::uint8_t* base = nullptr;
  std::uint32_t pitch = 0, bytes_per_pixel = 0;
  std::uint32_t cols = 0, rows = 0, col = 0, row = 0;
  std::uint32_t fg = 0, bg = 0;
};
Screen screen;

// Lines written before the screen is up, shown once it is.
char early[2048];
std::uint32_t early_len = 0;

// ---- VGA text: 16-bit cells (character, attribute), scrolled -------------------------
// Four blank cells (space, grey on black) in one 8-byte store.
constexpr std::uint64_t kBlank4 = 0x0720072007200720;

// Moves and clears whole text lines 8 bytes at a time (cols is a multiple of 4: screen_init
// takes no other text mode).
void text_clear(std::uint32_t first_cell, std::uint32_t cells) {
  auto* q = reinterpret_cast<volatile std::uint64_t*>(screen.base) + first_cell / 4;
  for (std::uint32_t i = 0; i < cells / 4; ++i) q[i] = kBlank4;
}

void text_newline() {
  screen.col = 0;
  if (++screen.row < screen.rows) return;
  screen.row = screen.rows - 1;
  auto* q = reinterpret_cast<volatile std::uint64_t*>(screen.base);
  const std::uint32_t line = screen.cols / 4, n = line * (screen.rows - 1);
  for (std::uint32_t i = 0; i < n; ++i) q[i] = q[i + line];
  text_clear(screen.cols * (screen.rows - 1), screen.cols);
}

void text_put(char c) {
  if (c == '\n') return text_newline();
  if (screen.col == screen.cols) text_newline();
  auto* cells = reinterpret_cast<volatile std::uint16_t*>(screen.base);
  cells[screen.row * screen.cols + screen.col++] = static_cast<std::uint16_t>(0x0700 | static_cast<std::uint8_t>(c));
}

// ---- pixels: drawn from the font; at the bottom the console wraps to the top (scrolling
// megabytes of framebuffer per line is slow under emulation), clearing the line below.
void store_pixel(volatile std::uint8_t* p, std::uint32_t v) {
  if (screen.bytes_per_pixel == 4) {
    *reinterpret_cast<volatile std::uint32_t*>(p) = v;
  } else {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v >> 16);
  }
}

void fill_cells(std::uint32_t row, std::uint32_t col, std::uint32_t count) {
  for (std::uint32_t y = 0; y < kCellH; ++y) {
    volatile std::uint8_t* line = screen.base + (row * kCellH + y) * screen.pitch;
    for (std::uint32_t x = col * kCellW; x < (col + count) * kCellW; ++x)
      store_pixel(line + x * screen.bytes_per_pixel, screen.bg);
  }
}

void pixel_newline() {
  screen.col = 0;
  if (++screen.row == screen.rows) screen.row = 0;
  fill_cells(screen.row, 0, screen.cols);
  if (screen.row + 1 < screen.rows) fill_cells(screen.row + 1, 0, screen.cols);   // a gap
}

void pixel_put(char c) {
  if (c == '\n') return pixel_newline();
  if (screen.col == screen.cols) pixel_newline();
  const unsigned g = static_cast<unsigned char>(c) - 32u;
  const std::uint8_t* rows = kBits.row[g < 95 ? g : '?' - 32];
  const std::uint32_t x0 = screen.col * kCellW + 1, y0 = screen.row * kCellH + 1;
  for (std::uint32_t y = 0; y < kGlyphRows * kScale; ++y) {
    volatile std::uint8_t* line = screen.base + (y0 + y) * screen.pitch;
    const std::uint8_t bits = rows[y / kScale];
    for (std::uint32_t x = 0; x < 5 * kScale; ++x) {
      const bool on = (bits >> (4 - x / kScale)) & 1;
      store_pixel(line + (x0 + x) * screen.bytes_per_pixel, on ? screen.fg : screen.bg);
    }
  }
  ++screen.col;
}

std::uint32_t colour(const Framebuffer& fb, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return (std::uint32_t{r} << fb.red_shift) | (std::uint32_t{g} << fb.green_shift) |
         (std::uint32_t{b} << fb.blue_shift);
}

}  // namespace

void screen_put(char c) {
  if (screen.mode == Mode::text) [[likely]] {
    text_put(c);
  } else if (screen.mode == Mode::pixels) {
    pixel_put(c);
  } else if (early_len < sizeof early) {
    early[early_len++] = c;
  }
}

bool screen_init(const BootInfo& boot) {
  const Framebuffer& fb = boot.fb;
  if (fb.addr == 0 && boot.multiboot == 1 && !boot.efi) {
    // QEMU's -kernel (and a BIOS loader that said nothing): the VGA text buffer, 80 x 25.
    screen.mode = Mode::text;
    screen.base = phys_to_virt<volatile std::uint8_t>(0xB8000);
    screen.cols = 80;
    screen.rows = 25;
    outb(0x3D4, 0x0A);   // CRT controller: hide the hardware cursor the BIOS left
    outb(0x3D5, 0x20);
  } else if (fb.addr != 0 && fb.type == 2 && fb.addr < kDirectMapBytes && fb.width % 4 == 0) {
    screen.mode = Mode::text;
    screen.base = phys_to_virt<volatile std::uint8_t>(fb.addr);
    screen.cols = fb.width;
    screen.rows = fb.height;
  } else if (fb.addr != 0 && fb.type == 1 && (fb.bpp == 32 || fb.bpp == 24) &&
             fb.width >= kCellW && fb.height >= kCellH) {
    // Mapped once into the kernel half, before any domain's space copies that half.
    const std::uint64_t bytes = std::uint64_t{fb.pitch} * fb.height;
    const std::uint64_t first = fb.addr & ~(kPage - 1);
    for (std::uint64_t pa = first; pa < fb.addr + bytes; pa += kPage)
      map_page(kernel_root(), kFramebufferVa + (pa - first), pa, kPresent | kWritable | kGlobal);
    screen.mode = Mode::pixels;
    screen.base = reinterpret_cast<volatile std::uint8_t*>(kFramebufferVa + (fb.addr - first));
    screen.pitch = fb.pitch;
    screen.bytes_per_pixel = fb.bpp / 8;
    screen.cols = fb.width / kCellW;
    screen.rows = fb.height / kCellH;
    screen.fg = colour(fb, 0xC0, 0xC0, 0xC0);
    screen.bg = colour(fb, 0, 0, 0);
  } else {
    return false;
  }
  screen.row = 0;
  screen.col = 0;
  if (screen.mode == Mode::text) {
    text_clear(0, screen.cols * screen.rows);
  } else {
    for (std::uint32_t r = 0; r < screen.rows; ++r) fill_cells(r, 0, screen.cols);
  }
  for (std::uint32_t i = 0; i < early_len; ++i) screen_put(early[i]);
  return true;
}

const char* screen_mode_name() {
  return screen.mode == Mode::text ? "VGA text" : screen.mode == Mode::pixels ? "framebuffer" : "none";
}
std::uint32_t screen_cols() { return screen.cols; }
std::uint32_t screen_rows() { return screen.rows; }

}  // namespace eros::x86
