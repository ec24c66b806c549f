// Command lines of the hosted tools: strict, so that a bad argument is a usage error
// (a message, the usage line, exit status 2) and never a run with a silently wrong value.
#pragma once
#include <cstdint>
#include <string>

namespace eros::cli {

// Parses Abseil flags as absl::ParseCommandLine does (--name=value, --name value, --bool,
// --nobool), but an unknown flag, a bad value or a stray argument exits 2 with the usage
// line (absl exits 1, the status of a failed run). --help lists this program's flags and
// exits 0. Call once, first thing in main, after absl::SetProgramUsageMessage.
void parse_flags(int argc, char** argv);

// For hand-parsed command lines: `text` as a whole decimal (or 0x hex) number in
// [min, max], or exit 2 naming `flag`. A null `text` is a missing value. The usage line
// is absl::ProgramUsageMessage(): set it first.
std::uint64_t parse_number(const char* program, const char* flag, const char* text,
                           std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);

// Prints "PROGRAM: MESSAGE" and "usage: " absl::ProgramUsageMessage() on stderr, exits 2.
[[noreturn]] void usage_error(const char* program, const std::string& message);

}  // namespace eros::cli
