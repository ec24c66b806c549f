#!/usr/bin/env python3
"""Test: every command rejects a bad argument with a usage line and exit status 2, at once.

    cli_test.py SOURCE_ROOT BUILD_ROOT

Runs the `eros` script's commands that check their arguments before they install or build
anything, and every tool the build makes, each with bad arguments; and `./eros help`, which
must list every command the script has.
"""
import os
import re
import subprocess
import sys

failures = []


def expect_usage(cmd, cwd, what):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        failures.append(f'{what}: still running after 60 s (a usage error must be at once)')
        return
    err = p.stderr
    if p.returncode != 2:
        failures.append(f'{what}: exit status {p.returncode}, not 2\n    {err.strip()[-300:]}')
    elif not re.search(r'^usage: ', err, re.M):
        failures.append(f'{what}: no "usage: " line on stderr\n    {err.strip()[-300:]}')
    else:
        print(f'ok: {what}: {err.strip().splitlines()[0]}')


def main():
    src, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    eros = os.path.join(src, 'eros')
    for args in (['test', 'extra'], ['setup', '--x'], ['image', 'x'], ['help', 'x'],
                 ['image', '--arch', 'sparc'], ['image', '--arch'], ['image', '--arch', 'aarch64', 'x'],
                 ['boot', '--arch', 'sparc'], ['boot', '--arch'],
                 ['fuzz', '--seconds', 'abc'], ['fuzz', '--seconds', '0'], ['fuzz', '--seconds'],
                 ['fuzz', '--seconds=-3'], ['fuzz', '--bogus'], ['coverage', 'extra'],
                 ['coverage', '--kernel-tests', '--bogus'], ['no-such-command']):
        expect_usage([eros] + args, src, './eros ' + ' '.join(args))

    tools = {
        'bench/copy/eros-calibrate': [['--bogus'], ['--cpu=abc'], ['stray']],
        'bench/copy/eros-copybench': [['--quick=maybe'], ['--nope']],
        'bench/baselines/eros-baselines': [['--nope'], ['stray']],
        'bench/repro/eros-repro-kernel': [['--samples'], ['--samples=x'], ['--nope']],
        'bench/stream/eros-stream': [['--n', 'abc'], ['--times', '1'], ['--x']],
        'bench/micro/micro': [['--benchmark_repetitions=abc'], ['stray']],
        'bench/micro/null-calls': [[], ['abc'], ['-1'], ['10', '--x']],
        'scenarios/eros-scenarios': [['--x']],
        'examples/figure1': [['--x']],
        'fuzz/eros-diff': [['--seed', 'abc'], ['--invocations', '-1'], ['--zzz']],
    }
    for tool, cases in tools.items():
        path = os.path.join(build, tool)
        if not os.path.exists(path):
            if tool == 'bench/micro/micro':   # built only with libbenchmark-dev
                continue
            failures.append(f'{tool}: not built')
            continue
        for args in cases:
            expect_usage([path] + args, build, f'{tool} ' + ' '.join(args))
    expect_usage([sys.executable, os.path.join(src, 'tools', 'repro.py'), '--nope'], src,
                 'tools/repro.py --nope')
    expect_usage([sys.executable, os.path.join(src, 'tools', 'repro.py'), '--samples', 'x'], src,
                 'tools/repro.py --samples x')
    for args in ([], ['--nope'], ['a.log', 'b.log']):
        expect_usage([sys.executable, os.path.join(src, 'tools', 'bench_stats.py')] + args, src,
                     'tools/bench_stats.py ' + ' '.join(args))

    # help lists every command the script dispatches.
    script = open(eros).read()
    commands = set(re.findall(r'^  ([a-z]+)\)', script, re.M)) | \
        {c for alt in re.findall(r'^  ([a-z|-]+)\)', script, re.M) for c in alt.split('|')
         if re.fullmatch(r'[a-z]+', c)}
    helped = subprocess.run([eros, 'help'], cwd=src, capture_output=True, text=True)
    if helped.returncode != 0:
        failures.append(f'./eros help: exit status {helped.returncode}')
    listed = set(re.findall(r'^  \./eros ([a-z]+)', helped.stdout, re.M))
    if not commands or commands - listed:
        failures.append(f'./eros help does not list: {sorted(commands - listed)}')
    else:
        print(f'ok: ./eros help lists every command: {" ".join(sorted(commands))}')

    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures))
        return 1
    print('\nevery command rejects a bad argument with a usage line and exit status 2')
    return 0


if __name__ == '__main__':
    sys.exit(main())
