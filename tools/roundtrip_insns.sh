#!/bin/sh
# Instructions per hosted null round trip (Call + Return), counted exactly by callgrind:
# a client making N null calls minus one making none, trace off and on.
#   tools/roundtrip_insns.sh [BUILD [N]]     (defaults: build, 10000)
set -eu
build=${1:-build}
n=${2:-10000}
case $n in '' | *[!0-9]*) echo "roundtrip_insns: N must be a count" >&2
  echo "usage: tools/roundtrip_insns.sh [BUILD [N]]" >&2; exit 2 ;; esac
client=$build/bench/micro/null-calls
[ -x "$client" ] || { echo "roundtrip_insns: $client not built (ninja -C $build)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "roundtrip_insns: valgrind not installed (apt-get install valgrind)" >&2; exit 1; }
count() {   # count ARGS...: instructions callgrind collected
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$client" "$@" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for trace in "" --trace; do
  a=$(count "$n" $trace)
  z=$(count 0 $trace)
  if [ -n "$trace" ]; then what=on; else what=off; fi
  echo "trace $what: $(( (a - z) / n )) instructions per round trip ($a - $z over $n)"
done
