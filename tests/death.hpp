// Death tests for Catch2 v2 (which has none): run a piece of code in a forked child with
// its stderr on a pipe, and report how the child ended and what it wrote.
// ASAN_OPTIONS may make ASan handle SIGABRT, report and exit non-zero: that counts too.
#pragma once
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <type_traits>

#include "sim/platform_impl.hpp"

namespace eros::test {

// How a forked child ended and what it wrote on stderr.
struct ChildEnd {
  int signal = 0;   // the signal that killed it, or 0
  int code = -1;    // its exit status when it exited
  std::string err;
  std::string first_line() const { return err.substr(0, err.find('\n')); }
};

inline constexpr int kChildThrew = 102;

// Runs f in a forked child, whose exit status is f's result (0 when f returns void); the
// parent's state is never touched. Nothing here waits on a clock: the parent reads the
// pipe to its end, then reaps the child.
template <class F>
ChildEnd in_child(F&& f) {
  ChildEnd end;
  std::fflush(nullptr);   // no buffered output is written twice
  int fd[2];
  if (pipe(fd) != 0) {
    end.err = "pipe failed";
    return end;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    end.err = "fork failed";
    return end;
  }
  if (pid == 0) {
    // Catch2 catches SIGABRT to report a crash; the child must simply die of it.
    std::signal(SIGABRT, SIG_DFL);
    dup2(fd[1], 2);
    if (int null = open("/dev/null", O_WRONLY); null >= 0) dup2(null, 1);
    close(fd[0]);
    close(fd[1]);
    int code = 0;
    try {
      if constexpr (std::is_void_v<decltype(f())>) f();
      else code = f();
    } catch (...) {
      code = kChildThrew;
    }
    _exit(code);   // no exit handlers, no Catch2 report from the child
  }
  close(fd[1]);
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd[0], buf, sizeof buf);
    if (n > 0) end.err.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) end.signal = WTERMSIG(status);
  if (WIFEXITED(status)) end.code = WEXITSTATUS(status);
  return end;
}

struct Death {
  bool aborted = false;     // killed by SIGABRT (or, under a sanitizer, exited non-zero)
  std::string how;          // "SIGABRT", "signal N", "exit N", "returned", "threw"
  std::string err;          // everything the child wrote on stderr
  std::string first_line() const { return err.substr(0, err.find('\n')); }
};

// f is expected to abort.
template <class F>
Death die(F&& f) {
  constexpr int kReturned = 101;
  const ChildEnd end = in_child([&] {
    f();
    return kReturned;
  });
  Death d;
  d.err = end.err;
  if (end.signal != 0) {
    d.aborted = end.signal == SIGABRT;
    d.how = d.aborted ? "SIGABRT" : "signal " + std::to_string(end.signal);
  } else {
    d.how = end.code == kReturned     ? "returned"
            : end.code == kChildThrew ? "threw"
                                      : "exit " + std::to_string(end.code);
    // A sanitizer told to handle SIGABRT (ASAN_OPTIONS=handle_abort=1) reports and exits.
    d.aborted = sim::kAsan && end.code != 0 && end.code != kReturned && end.code != kChildThrew;
  }
  return d;
}

}  // namespace eros::test

// The entry must abort, and its first line on stderr must be exactly `message`.
#define REQUIRE_USAGE_ERROR(expr, message)              \
  do {                                                  \
    const ::eros::test::Death death_ = ::eros::test::die([&] { (void)(expr); }); \
    INFO(#expr << " ended by " << death_.how << ", stderr: " << death_.err);    \
    CHECK(death_.aborted);                              \
    CHECK(death_.first_line() == (message));            \
  } while (false)
