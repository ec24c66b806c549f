#!/usr/bin/env python3
"""Statistics of the benchmarks' raw samples, the one place they are derived, for every platform.

    bench_stats.py LOG     (LOG `-`: standard input)

The bare-metal kernel (baremetal/report.cpp) and the hosted runner (`eros-scenarios --bench`,
through the same code) print each benchmark's data area raw:

    bench NAME: WHAT
      samples SERIES bytes B n N: s1 s2 ... sN     one line per series, unsorted

or `bench NAME: no data`, `bench NAME: no samples`, or the header then `  series: malformed`.
A round-trip pair is two series, its kind (`round-trip`, `system-call`: bench-number,
`first-write`: bench-first-write) and `timer`; named series (scenarios/series.hpp) are as the
program wrote them, each 8 characters at most, so a kind's name is never one of them.

Run as a command it prints, for people, each benchmark's summary in the words the kernel
printed before it printed raw samples. tools/repro.py and arch/x86_64/boot_test.py import it.

The statistics, on the samples sorted: median = s[n // 2] (the upper middle one), p95 =
s[(n * 95) // 100], min = s[0]; the timer pair is the median of the `timer` series. For a
round-trip pair the net is median - timer pair and p95_net = p95 - timer pair, the one-way
figure net // 2; for named series the median's, p95's and min's nets. Every net is clamped
at 0: where the clock steps coarsely (a hosted TSC moving by 21) a median can fall below
the timer pair, and nothing took less than no time.
"""
import os
import re
import sys

# A round-trip pair's first series: what one sample is, as the summary words it.
KINDS = {'round-trip': 'round trip', 'system-call': 'round trip', 'first-write': 'first write'}

HEADER = re.compile(r'^bench (\S+): (.*)$')
SAMPLES = re.compile(r'^  samples (\S+) bytes (\d+) n (\d+):((?: \d+)*)$')


def parse(text):
    """Each benchmark of a log, in order: [{'name', 'what', 'series': [(name, bytes,
    [samples])], 'malformed'}]. A line whose sample count is not its n (a log cut off
    mid-line) is left out."""
    out = []
    cur = None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            cur = {'name': m.group(1), 'what': m.group(2), 'series': [], 'malformed': False}
            out.append(cur)
            continue
        if cur is None:
            continue
        m = SAMPLES.match(line)
        if m:
            samples = [int(x) for x in m.group(4).split()]
            if len(samples) == int(m.group(3)) and samples:
                cur['series'].append((m.group(1), int(m.group(2)), samples))
        elif line == '  series: malformed':
            cur['malformed'] = True
    return out


def stats(samples):
    """(min, median, p95) of the samples, as the kernel took them."""
    s = sorted(samples)
    n = len(s)
    return s[0], s[n // 2], s[(n * 95) // 100]


def is_plain(series):
    """Whether the series are a round-trip pair's (its first is a kind, never a series name)."""
    return bool(series) and series[0][0] in KINDS


def plain(series):
    """A round-trip pair's figures, or None when it is not a whole one: its kind's series,
    then `timer`, of the same length."""
    if len(series) != 2 or not is_plain(series) or series[1][0] != 'timer':
        return None
    kind, _, rt = series[0]
    timer = series[1][2]
    if len(timer) != len(rt):
        return None
    mn, med, p95 = stats(rt)
    tmed = stats(timer)[1]
    return {'kind': KINDS[kind], 'median': med, 'p95': p95, 'min': mn, 'timer': tmed,
            'net': max(med - tmed, 0), 'p95_net': max(p95 - tmed, 0), 'n': len(rt)}


def named(series):
    """Each named series' figures, {name: {...}}, in order, net of the (last) `timer` series'
    median (0 without one)."""
    timer = 0
    for name, _, samples in series:
        if name == 'timer':
            timer = stats(samples)[1]
    out = {}
    for name, b, samples in series:
        mn, med, p95 = stats(samples)
        out[name] = {'bytes': b, 'median': med, 'p95': p95, 'min': mn, 'timer': timer,
                     'net': max(med - timer, 0), 'p95_net': max(p95 - timer, 0),
                     'min_net': max(mn - timer, 0), 'n': len(samples)}
    return out


def figures(bench):
    """One benchmark's series figures: {'main': {...}} for a round-trip pair (with 'kind'),
    else {name: {...}} for each named series; {} for none (or a pair cut off)."""
    if is_plain(bench['series']):
        p = plain(bench['series'])
        return {'main': p} if p is not None else {}
    return named(bench['series'])


def benches(text):
    """{NAME: {'what': WHAT, 'series': figures}} of a log (tools/repro.py's form); a name
    printed twice keeps its first header and gets the later series too."""
    out = {}
    for b in parse(text):
        cur = out.setdefault(b['name'], {'what': b['what'], 'series': {}})
        cur['series'].update(figures(b))
    return out


def summary_lines(bench):
    """The summary of one parsed benchmark, the lines the kernel printed before it printed
    raw samples (the same words)."""
    lines = [f"bench {bench['name']}: {bench['what']}"]
    if bench['malformed']:
        return lines + ['  series: malformed']
    if is_plain(bench['series']):
        p = plain(bench['series'])
        if p is None:
            return lines   # cut off: no figures
        kind = bench['series'][0][0]
        line = (f"  {p['kind']} median {p['median']} p95 {p['p95']} min {p['min']} ticks, "
                f"timer pair {p['timer']}")
        if kind == 'first-write':
            line += f", net {p['net']}"
        else:
            line += f", round trip net {p['net']}"
            line += (f", system call (net) {p['net']}" if kind == 'system-call'
                     else f", one-way (net/2) {p['net'] // 2}")
        return lines + [line + f" ({p['n']} samples after warm-up; trace off)"]
    for name, s in named(bench['series']).items():
        lines.append(f"  series {name} bytes {s['bytes']} median {s['median']} p95 {s['p95']} "
                     f"min {s['min']} ticks, timer pair {s['timer']}, net {s['net']} "
                     f"({s['n']} samples)")
    return lines


def summary(text):
    """Every benchmark's summary lines of a log."""
    return [line for b in parse(text) for line in summary_lines(b)]


USAGE = 'usage: bench_stats.py LOG   (the raw sample lines of a boot or of eros-scenarios --bench; - for stdin)'


def main(argv):
    if len(argv) == 1 and argv[0] in ('-h', '--help'):
        print(USAGE)
        return 0
    if len(argv) != 1 or (argv[0].startswith('-') and argv[0] != '-'):
        print(f'bench_stats.py: expected one LOG, got {argv}\n{USAGE}', file=sys.stderr)
        return 2
    try:
        if argv[0] == '-':
            text = sys.stdin.read()
        else:
            with open(argv[0], errors='replace') as f:
                text = f.read()
    except OSError as e:
        print(f'bench_stats.py: {e}\n{USAGE}', file=sys.stderr)
        return 2
    try:
        for line in summary(text):
            print(line)
    except BrokenPipeError:   # `| head`: the reader has what it wanted; no flush error at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
