// The device tree the loader passes in x0 (a flattened tree, big-endian): the command line
// (/chosen/bootargs), RAM (/memory), the PL011, the GIC (v2 or v3), the virtual timer's
// interrupt and the PSCI conduit. Nodes' `reg` are read with their parent's cell sizes;
// each bus's `ranges` translate them up to the root's (CPU) addresses, as on a Raspberry
// Pi, whose devices sit under /soc at bus addresses; QEMU virt's sit at the root.
#include "arch/aarch64/machine.hpp"

namespace eros::arm64 {
namespace {

constexpr std::uint32_t kMagic = 0xD00DFEED;
constexpr std::uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr int kMaxDepth = 16;

std::uint32_t be32(const void* p) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

bool same(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a == *b;
}
bool starts(const char* s, const char* prefix) {
  while (*prefix != 0)
    if (*s++ != *prefix++) return false;
  return true;
}
// Whether the string list (a `compatible`) holds one that begins with `what`.
bool lists(const char* list, std::uint32_t len, const char* what) {
  for (std::uint32_t i = 0; i < len;) {
    if (starts(list + i, what)) return true;
    while (i < len && list[i] != 0) ++i;
    ++i;
  }
  return false;
}

struct Node {
  const char* name = "";
  const char* compatible = nullptr;
  std::uint32_t compatible_len = 0;
  const std::uint8_t* reg = nullptr;
  std::uint32_t reg_len = 0;
  const std::uint8_t* interrupts = nullptr;
  std::uint32_t interrupts_len = 0;
  const char* method = nullptr;
  const std::uint8_t* ranges = nullptr;   // null: no `ranges` (no translation to the parent)
  std::uint32_t ranges_len = 0;
  bool memory = false;
  std::uint32_t address_cells = 2, size_cells = 1;   // for its children
};

std::uint64_t cells(const std::uint8_t* p, std::uint32_t n) {
  std::uint64_t v = 0;
  for (std::uint32_t i = 0; i < n; ++i) v = v << 32 | be32(p + 4 * i);
  return v;
}

// An address on bus stack[level] (the node's parent) as the root sees it: through each
// bus's `ranges` (child address, parent address, size; an empty one is the identity).
// False when a bus has none, or no entry holds the address.
bool to_root(const Node* stack, int level, std::uint64_t& address) {
  for (; level >= 1; --level) {
    const Node& bus = stack[level];
    if (bus.ranges == nullptr) return false;
    if (bus.ranges_len == 0) continue;
    const std::uint32_t ca = bus.address_cells, pa = stack[level - 1].address_cells,
                        sz = bus.size_cells, each = 4 * (ca + pa + sz);
    bool found = false;
    for (std::uint32_t off = 0; each != 0 && off + each <= bus.ranges_len; off += each) {
      const std::uint64_t child = cells(bus.ranges + off, ca),
                          parent = cells(bus.ranges + off + 4 * ca, pa),
                          size = cells(bus.ranges + off + 4 * (ca + pa), sz);
      if (address >= child && address - child < size) {
        address = address - child + parent;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

// The i-th (address, size) of the node stack[depth]'s reg, read with its parent's cells,
// its address translated to the root's.
bool reg_at(const Node* stack, int depth, std::uint32_t i, MemoryRange& r) {
  const Node& n = stack[depth];
  const Node& parent = stack[depth - 1];
  const std::uint32_t a = parent.address_cells, s = parent.size_cells, each = 4 * (a + s);
  if (n.reg == nullptr || each == 0 || (i + 1) * each > n.reg_len) return false;
  r.base = cells(n.reg + i * each, a);
  r.size = cells(n.reg + i * each + 4 * a, s);
  return to_root(stack, depth - 1, r.base);
}

void finish(const Node* stack, int depth, DeviceTree& out) {
  const Node& n = stack[depth];
  MemoryRange r;
  if (n.memory) {
    for (std::uint32_t i = 0; out.memory_count < 4 && reg_at(stack, depth, i, r); ++i)
      if (r.size != 0) out.memory[out.memory_count++] = r;
  }
  // Everything looked for below is "arm,...": one scan first, past the virtio-mmio and
  // other nodes (QEMU virt has 32 virtio-mmio).
  if (n.compatible == nullptr || !lists(n.compatible, n.compatible_len, "arm,")) return;
  if (out.uart == 0 && lists(n.compatible, n.compatible_len, "arm,pl011") && reg_at(stack, depth, 0, r))
    out.uart = r.base;
  const bool v3 = lists(n.compatible, n.compatible_len, "arm,gic-v3");
  const bool v2 = lists(n.compatible, n.compatible_len, "arm,cortex-a15-gic") ||
                  lists(n.compatible, n.compatible_len, "arm,gic-400") ||
                  lists(n.compatible, n.compatible_len, "arm,cortex-a9-gic");
  MemoryRange second;
  if (out.gic_version == 0 && (v2 || v3) && reg_at(stack, depth, 0, r) && reg_at(stack, depth, 1, second)) {
    out.gic_version = v3 ? 3 : 2;
    out.gicd = r.base;
    (v3 ? out.gicr : out.gicc) = second.base;
  }
  // The timer's interrupts: secure, non-secure physical, virtual, hypervisor; each
  // <type number flags>, a PPI's INTID being number + 16.
  if (lists(n.compatible, n.compatible_len, "arm,armv8-timer") && n.interrupts_len >= 36)
    out.timer_irq = be32(n.interrupts + 24 + 4) + 16;
  if (lists(n.compatible, n.compatible_len, "arm,psci") && n.method != nullptr)
    out.psci = same(n.method, "smc")   ? DeviceTree::Psci::smc
               : same(n.method, "hvc") ? DeviceTree::Psci::hvc
                                       : DeviceTree::Psci::none;
}

}  // namespace

bool read_device_tree(const void* dtb, DeviceTree& out) {
  const auto* base = static_cast<const std::uint8_t*>(dtb);
  if (base == nullptr || be32(base) != kMagic) return false;
  out.total_size = be32(base + 4);
  const std::uint8_t* p = base + be32(base + 8);
  const std::uint8_t* const end = p + be32(base + 36);   // size_dt_struct
  const char* strings = reinterpret_cast<const char*>(base + be32(base + 12));
  Node stack[kMaxDepth];
  int depth = -1;
  while (p + 4 <= end) {
    const std::uint32_t token = be32(p);
    p += 4;
    if (token == kBeginNode) {
      const char* name = reinterpret_cast<const char*>(p);
      std::uint32_t len = 0;
      while (name[len] != 0) ++len;
      p += (len + 4) & ~3u;
      if (++depth >= kMaxDepth) return false;
      stack[depth] = Node{};
      stack[depth].name = name;
      stack[depth].memory = depth == 1 && starts(name, "memory");
    } else if (token == kEndNode) {
      if (depth < 0) return false;
      if (depth >= 1) finish(stack, depth, out);
      --depth;
    } else if (token == kProp) {
      const std::uint32_t len = be32(p), nameoff = be32(p + 4);
      const auto* value = p + 8;
      p += 8 + ((len + 3) & ~3u);
      if (depth < 0) return false;
      Node& n = stack[depth];
      const char* prop = strings + nameoff;
      const char* text = reinterpret_cast<const char*>(value);
      if (same(prop, "compatible")) {
        n.compatible = text;
        n.compatible_len = len;
      } else if (same(prop, "reg")) {
        n.reg = value;
        n.reg_len = len;
      } else if (same(prop, "ranges")) {
        n.ranges = value;
        n.ranges_len = len;
      } else if (same(prop, "interrupts")) {
        n.interrupts = value;
        n.interrupts_len = len;
      } else if (same(prop, "method")) {
        n.method = text;
      } else if (same(prop, "device_type") && same(text, "memory")) {
        n.memory = true;
      } else if (same(prop, "#address-cells") && len == 4) {
        n.address_cells = be32(value);
      } else if (same(prop, "#size-cells") && len == 4) {
        n.size_cells = be32(value);
      } else if (same(prop, "bootargs") && depth == 1 && same(n.name, "chosen")) {
        std::uint32_t i = 0;
        for (; i + 1 < sizeof out.bootargs && i < len && text[i] != 0; ++i) out.bootargs[i] = text[i];
        out.bootargs[i] = 0;
      }
    } else if (token == kEnd) {
      break;
    } else if (token != kNop) {
      return false;
    }
  }
  return true;
}

}  // namespace eros::arm64
