#!/usr/bin/env python3
"""Runs libFuzzer on the differential driver (fuzz/fuzz_target.cpp) for a bounded time and
says what it did: `./eros fuzz` and the `libfuzzer` test of `./eros test` both run this.

    fuzz.py SOURCE_ROOT BUILD_FUZZ [--seconds N]

New inputs go to BUILD_FUZZ/corpus; the committed seeds in fuzz/corpus are read, never
written. A divergence or a sanitizer report stops the fuzzer: the input is saved under
BUILD_FUZZ/ (crash-*), the driver prints the shrunk program as a Catch2 test, and this
exits non-zero with both shown. The default length is $EROS_FUZZ_SECONDS, else 60 s.
"""
import argparse
import os
import re
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('source')
    ap.add_argument('build')
    ap.add_argument('--seconds', type=int, default=int(os.environ.get('EROS_FUZZ_SECONDS', '60')))
    a = ap.parse_args()
    if a.seconds <= 0:
        ap.error('--seconds must be above 0')
    binary = os.path.join(a.build, 'fuzz', 'eros-fuzz')
    if not os.access(binary, os.X_OK):
        print(f'fuzz: {binary} is not built (a clang build dir: ./eros fuzz makes one)')
        return 1
    corpus = os.path.join(a.build, 'corpus')
    os.makedirs(corpus, exist_ok=True)
    log = os.path.join(a.build, 'fuzz.log')
    env = dict(os.environ)
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
    env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
    # -timeout: one program taking a minute is a hang; -rss_limit_mb: the default 2 GB.
    cmd = [binary, f'-max_total_time={a.seconds}', '-print_final_stats=1', '-timeout=60',
           f'-artifact_prefix={a.build}/', corpus, os.path.join(a.source, 'fuzz', 'corpus')]
    print(f'fuzz: {" ".join(cmd)}', flush=True)
    start = time.time()
    with open(log, 'w') as f:
        status = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env).returncode
    secs = time.time() - start
    text = open(log, errors='replace').read()
    for line in text.splitlines():
        if re.match(r'^(stat::|eros-fuzz:|==\d+==ERROR|SUMMARY)', line):
            print(line)
    m = re.findall(r'eros-fuzz: (\d+) programs, (\d+) invocations', text)
    if m:
        programs, inv = map(int, m[-1])
        print(f'fuzz: {programs} programs, {inv} invocations in {secs:.1f} s: '
              f'{inv / secs:.0f} invocations/s, {programs / secs:.0f} programs/s; corpus {len(os.listdir(corpus))} '
              f'new inputs in {corpus}')
    if status != 0:
        saved = re.findall(r'Test unit written to (\S+)', text)
        where = text.find('eros-fuzz: divergence')
        print(f'\nfuzz: the fuzzer stopped with status {status}; log {log}; input {saved[-1] if saved else "?"}')
        print(text[where:where + 12000] if where >= 0 else text[-6000:])
        return 1
    print(f'fuzz: {a.seconds} s clean: no divergence, no broken invariant, no sanitizer report')
    return 0


if __name__ == '__main__':
    sys.exit(main())
