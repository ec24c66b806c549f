#!/usr/bin/env python3
"""Test: tools/bench_stats.py on a small hand-written log of raw sample lines: each statistic
(median, p95, min, timer pair, nets) and the summary lines word for word, the cut-off and
malformed cases, and the command's output and usage errors.

    bench_stats_test.py SOURCE_ROOT
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.abspath(sys.argv[1]), 'tools'))
import bench_stats  # noqa: E402

# 20 round trips (unsorted: median s[10] = 110, p95 s[19] = 150, min 100), 20 timer pairs.
RT = [100 + i for i in range(19, -1, -1)]
RT[0] = 150
LOG = '\n'.join([
    'EROS x86_64 bare metal: not a benchmark line',
    '--- run bench-intra',
    'bench bench-intra: Call+Return round trip, one space',
    '  samples round-trip bytes 0 n 20: ' + ' '.join(map(str, RT)),
    '  samples timer bytes 0 n 20: ' + ' '.join(['4'] * 18 + ['9', '3']),
    'bench bench-number: Call on a number key (null system call)',
    '  samples system-call bytes 0 n 3: 9 7 8',
    '  samples timer bytes 0 n 3: 1 1 1',
    'bench bench-first-write: first write to a fresh page',
    '  samples first-write bytes 0 n 1: 1246',
    '  samples timer bytes 0 n 1: 4',
    'bench bench-s: named series',
    '  samples copy bytes 4096 n 4: 50 40 45 47',
    '  samples tiny bytes 0 n 2: 1 2',
    '  samples timer bytes 0 n 2: 5 5',
    'bench bench-neg: a round trip below its timer pair',
    '  samples round-trip bytes 0 n 1: 3',
    '  samples timer bytes 0 n 1: 4',
    'bench bench-cut: the log ends mid-line',
    '  samples round-trip bytes 0 n 3: 5 6 7',
    '  samples timer bytes 0 n 3: 1 1',
    'bench bench-bad: a broken area',
    '  series: malformed',
    'bench bench-none: no data',
    'boot: kernel entry to first domain ready 100 ticks',
]) + '\n'

WANT = [
    'bench bench-intra: Call+Return round trip, one space',
    '  round trip median 110 p95 150 min 100 ticks, timer pair 4, round trip net 106, '
    'one-way (net/2) 53 (20 samples after warm-up; trace off)',
    'bench bench-number: Call on a number key (null system call)',
    '  round trip median 8 p95 9 min 7 ticks, timer pair 1, round trip net 7, '
    'system call (net) 7 (3 samples after warm-up; trace off)',
    'bench bench-first-write: first write to a fresh page',
    '  first write median 1246 p95 1246 min 1246 ticks, timer pair 4, net 1242 '
    '(1 samples after warm-up; trace off)',
    'bench bench-s: named series',
    '  series copy bytes 4096 median 47 p95 50 min 40 ticks, timer pair 5, net 42 (4 samples)',
    '  series tiny bytes 0 median 2 p95 2 min 1 ticks, timer pair 5, net 0 (2 samples)',
    '  series timer bytes 0 median 5 p95 5 min 5 ticks, timer pair 5, net 0 (2 samples)',
    'bench bench-neg: a round trip below its timer pair',
    '  round trip median 3 p95 3 min 3 ticks, timer pair 4, round trip net 0, '
    'one-way (net/2) 0 (1 samples after warm-up; trace off)',
    'bench bench-cut: the log ends mid-line',
    'bench bench-bad: a broken area',
    '  series: malformed',
    'bench bench-none: no data',
]

failures = []


def check(what, got, want):
    if got != want:
        failures.append(f'{what}:\n    got  {got!r}\n    want {want!r}')


def main():
    src = os.path.abspath(sys.argv[1])
    check('stats', bench_stats.stats(RT), (100, 110, 150))
    check('stats of one', bench_stats.stats([7]), (7, 7, 7))
    got = bench_stats.summary(LOG)
    for i, (g, w) in enumerate(zip(got, WANT)):
        check(f'summary line {i}', g, w)
    check('summary line count', len(got), len(WANT))

    b = bench_stats.benches(LOG)
    check('intra', b['bench-intra'], {'what': 'Call+Return round trip, one space', 'series': {'main': {
        'kind': 'round trip', 'median': 110, 'p95': 150, 'min': 100, 'timer': 4, 'net': 106,
        'p95_net': 146, 'n': 20}}})
    check('number kind', b['bench-number']['series']['main']['kind'], 'round trip')
    check('first write kind', b['bench-first-write']['series']['main']['kind'], 'first write')
    check('series', b['bench-s']['series']['tiny'], {
        'bytes': 0, 'median': 2, 'p95': 2, 'min': 1, 'timer': 5, 'net': 0, 'p95_net': 0,
        'min_net': 0, 'n': 2})
    check('series copy min_net', b['bench-s']['series']['copy']['min_net'], 35)
    check('a pair below its timer: nets clamped at 0', b['bench-neg']['series']['main']['p95_net'], 0)
    for name in ('bench-cut', 'bench-bad', 'bench-none'):
        check(f'{name}: no figures', b[name]['series'], {})
    check('no data what', b['bench-none']['what'], 'no data')

    tool = os.path.join(src, 'tools', 'bench_stats.py')
    p = subprocess.run([sys.executable, tool, '-'], input=LOG, capture_output=True, text=True)
    check('command exit', p.returncode, 0)
    check('command output', p.stdout, '\n'.join(WANT) + '\n')
    for args in ([], ['a', 'b'], ['--x'], ['/no/such/log']):
        p = subprocess.run([sys.executable, tool] + args, capture_output=True, text=True)
        check(f'bench_stats.py {args}: exit', p.returncode, 2)
        check(f'bench_stats.py {args}: usage', 'usage: ' in p.stderr, True)

    if failures:
        print('FAILED:\n  ' + '\n  '.join(failures))
        return 1
    print(f'bench_stats: {len(WANT)} summary lines and every statistic as expected')
    return 0


if __name__ == '__main__':
    sys.exit(main())
