// Programs: validation and printing as C++.
#include "fuzz/program.hpp"

#include <algorithm>
#include <cstdio>

#include "core/abi.hpp"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace eros::fuzz {

std::size_t Program::step_count() const {
  std::size_t n = 0;
  for (auto& s : steps) n += s.size();
  return n;
}

void Program::sanitize() {
  pages = std::clamp<std::uint32_t>(pages, 2, kMaxPages);
  spaces = std::clamp<std::uint32_t>(spaces, 1, kMaxSpaces);
  perms.resize(static_cast<std::size_t>(pages) * spaces, 0);
  for (std::uint32_t s = 0; s < spaces; ++s) {
    perms[s * pages] = 0;   // guard pages: a range running off the arena is a fault
    perms[s * pages + pages - 1] = 0;
    for (std::uint32_t p = 0; p < pages; ++p) perms[s * pages + p] &= 3;
  }
  if (steps.size() > kMaxDomains) steps.resize(kMaxDomains);
  space_of.resize(steps.size(), 0);
  for (auto& s : space_of) s = static_cast<std::uint8_t>(s % spaces);
  const std::uint32_t arena = pages * 4096;
  auto fix = [&](Addr& a) {
    a.base = static_cast<Base>(static_cast<unsigned>(a.base) % 4);
    if (a.base == Base::Arena) a.offset %= arena;
    else a.offset %= 4096;
  };
  for (auto& d : steps)
    for (auto& st : d) {
      st.op = static_cast<Op>(static_cast<unsigned>(st.op) % 3);
      st.fault = static_cast<std::uint8_t>(st.fault % kFaultKindCount);   // 0 or a FaultKind
      fix(st.str);
      fix(st.buf);
    }
  const std::uint32_t n = domains();
  for (auto& ph : phases)
    for (auto& op : ph) {
      op.what = static_cast<Setup>(static_cast<unsigned>(op.what) % kSetupKinds);
      if (n == 0) { op.what = Setup::Void; op.domain = 1; op.object = 1; continue; }
      op.domain = 1 + (op.domain + n - 1) % n;
      op.object = 1 + (op.object + n - 1) % n;
      op.reg %= 16;
      op.from_reg %= 16;
    }
  if (n == 0) phases.clear();
}

namespace {

const char* op_name(Op op) {
  return op == Op::Call ? "Op::Call" : op == Op::Return ? "Op::Return" : "Op::Send";
}
const char* base_name(Base b) {
  switch (b) {
    case Base::Arena: return "Base::Arena";
    case Base::Null: return "Base::Null";
    case Base::NonCanonical: return "Base::NonCanonical";
    case Base::Wrap: return "Base::Wrap";
  }
  return "?";
}
const char* setup_name(Setup s) {
  switch (s) {
    case Setup::Start: return "Setup::Start";
    case Setup::DomainControl: return "Setup::DomainControl";
    case Setup::Number: return "Setup::Number";
    case Setup::Copy: return "Setup::Copy";
    case Setup::Rescind: return "Setup::Rescind";
    case Setup::Void: return "Setup::Void";
    case Setup::Yield: return "Setup::Yield";
    case Setup::Keeper: return "Setup::Keeper";
    case Setup::KeeperStart: return "Setup::KeeperStart";
  }
  return "?";
}

std::string addr_cpp(const Addr& a) {
  if (a.base == Base::Arena) return absl::StrFormat("{Base::Arena, %u}", a.offset);
  return absl::StrFormat("{%s, %u}", base_name(a.base), a.offset);
}

template <class T>
std::string array_cpp(const T* v, int n) {
  std::vector<std::string> parts;
  for (int i = 0; i < n; ++i) parts.push_back(absl::StrCat(static_cast<std::uint64_t>(v[i])));
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}
template <class T>
bool all_zero(const T* v, int n) {
  for (int i = 0; i < n; ++i)
    if (v[i] != 0) return false;
  return true;
}

std::string step_cpp(const Step& s) {
  // Designated initializers in declaration order, defaults left out.
  std::vector<std::string> f;
  f.push_back(absl::StrCat(".op = ", op_name(s.op)));
  f.push_back(absl::StrCat(".key = ", s.key));
  if (!all_zero(s.w, 4)) f.push_back(absl::StrCat(".w = ", array_cpp(s.w, 4)));
  if (!all_zero(s.k, 4)) f.push_back(absl::StrCat(".k = ", array_cpp(s.k, 4)));
  if (s.len != 0) f.push_back(absl::StrCat(".len = ", s.len));
  if (s.str.base != Base::Arena || s.str.offset != 0) f.push_back(absl::StrCat(".str = ", addr_cpp(s.str)));
  if (s.buf.base != Base::Arena || s.buf.offset != 0) f.push_back(absl::StrCat(".buf = ", addr_cpp(s.buf)));
  if (s.limit != 0) f.push_back(absl::StrCat(".limit = ", s.limit));
  if (!all_zero(s.r, 4)) f.push_back(absl::StrCat(".r = ", array_cpp(s.r, 4)));
  if (s.fault != 0) f.push_back(absl::StrCat(".fault = ", s.fault));
  return absl::StrCat("{", absl::StrJoin(f, ", "), "}");
}

}  // namespace

std::string to_cpp(const Program& p) {
  std::string o;
  absl::StrAppend(&o, "  Program p;\n");
  absl::StrAppendFormat(&o, "  p.pages = %u;\n  p.spaces = %u;\n  p.fill = %u;\n", p.pages,
                        p.spaces, p.fill);
  absl::StrAppend(&o, "  p.perms = ", array_cpp(p.perms.data(), static_cast<int>(p.perms.size())),
                  ";\n");
  absl::StrAppend(&o, "  p.space_of = ",
                  array_cpp(p.space_of.data(), static_cast<int>(p.space_of.size())), ";\n");
  absl::StrAppend(&o, "  p.steps = {\n");
  for (std::size_t d = 0; d < p.steps.size(); ++d) {
    absl::StrAppendFormat(&o, "      {  // d%u\n", d + 1);
    for (const Step& s : p.steps[d]) absl::StrAppend(&o, "          Step", step_cpp(s), ",\n");
    absl::StrAppend(&o, "      },\n");
  }
  absl::StrAppend(&o, "  };\n  p.phases = {\n");
  for (auto& ph : p.phases) {
    absl::StrAppend(&o, "      {\n");
    for (auto& op : ph)
      absl::StrAppendFormat(&o, "          SetupOp{%s, %u, %u, %u, %u, %u},\n", setup_name(op.what),
                            op.domain, op.reg, op.object, op.badge, op.from_reg);
    absl::StrAppend(&o, "      },\n");
  }
  absl::StrAppend(&o, "  };\n");
  return o;
}

std::string to_text(const Program& p) {
  std::string o;
  for (std::size_t d = 0; d < p.steps.size(); ++d) {
    absl::StrAppendFormat(&o, "d%u (space %u):\n", d + 1, p.space_of[d]);
    for (std::size_t i = 0; i < p.steps[d].size(); ++i)
      absl::StrAppendFormat(&o, "  %u: Step%s\n", i, step_cpp(p.steps[d][i]));
  }
  return o;
}

}  // namespace eros::fuzz
