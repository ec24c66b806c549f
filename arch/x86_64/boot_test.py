#!/usr/bin/env python3
"""The bare-metal test: builds the x86_64 image, boots it under QEMU TCG, and checks that
(a) the kernel exits 0 through isa-debug-exit, (b) every scenario's trace is byte-identical
to the hosted trace of the same scenario (scenarios/hosted_main.cpp on sim::System), and
(c) the hardware-only fault scenario stopped each hostile domain and the others went on.

usage: boot_test.py SRCDIR HOSTED_RUNNER
"""
import re
import subprocess
import sys


def blocks(text):
    out = {}
    for m in re.finditer(r'^=== scenario (\S+)\n(.*?)^=== end \1\n', text, re.M | re.S):
        out[m.group(1)] = m.group(2)
    return out


def main():
    top, runner = sys.argv[1], sys.argv[2]
    build = subprocess.run([f'{top}/arch/x86_64/build.sh', top], capture_output=True, text=True)
    if build.returncode != 0:
        print(build.stdout + build.stderr)
        print('FAILED: the image did not build')
        return 1
    boot = subprocess.run([f'{top}/arch/x86_64/boot.sh', f'{top}/build-x86_64/eros-x86_64.elf'],
                          capture_output=True, text=True, timeout=240)
    metal = boot.stdout
    hosted = subprocess.run([runner], capture_output=True, text=True, check=True).stdout
    failures = []
    if boot.returncode != 0:
        failures.append(f'the kernel did not exit 0 ({boot.stderr.strip()})')
    want, got = blocks(hosted), blocks(metal)
    if not want:
        failures.append('the hosted runner printed no scenario')
    for name, trace in want.items():
        if name not in got:
            failures.append(f'{name}: no trace on bare metal')
        elif got[name] != trace:
            failures.append(f'{name}: bare-metal trace differs from the hosted trace:\n'
                            f'--- hosted\n{trace}--- bare metal\n{got[name]}')
    faults = re.findall(r'^fault: d(\d+) (#\w+|bad trap)', metal, re.M)
    expected = ['#GP', '#UD', '#BP', '#GP', '#PF', '#PF', '#DE', '#GP', 'bad trap']
    if [f for _, f in faults] != expected:
        failures.append(f'faults scenario: expected {expected}, got {faults}')
    if 'faults' not in got or not got['faults'].rstrip().endswith('Halt d11'):
        failures.append('faults scenario: the last client did not finish after the faults')
    for line in metal.splitlines():
        if line.startswith('bench ') or line.startswith('  round trip') or line.startswith('boot:'):
            print(line)
    if failures:
        print(metal[-6000:])
        for f in failures:
            print('FAILED:', f)
        return 1
    print(f'{len(want)} scenarios byte-identical to the hosted traces; '
          f'{len(faults)} hostile domains stopped; kernel exited 0')
    return 0


if __name__ == '__main__':
    sys.exit(main())
