#!/usr/bin/env python3
"""The bare-metal arm64 test: builds the images, boots the kernel under QEMU virt (TCG,
-icount shift=0) and checks each scenario of scenarios/ as a test of its own, as
arch/x86_64/boot_test.py does for x86_64:

- every compared scenario: its trace byte-identical to the reference (the hosted runner's
  output, scenarios/hosted_main.cpp, or a file of traces: --expected, x86_64's say);
- the fault scenarios whose domain has no keeper printed the expected fault;
- FP/SIMD state saved or restored in no scenario but the vector ones;
- every benchmark printed its figures; endless-loop was preempted and stopped;
- `boot`: the kernel exited with Success and never faulted itself;
- `el2-gicv3-max`: a second boot entered at EL2, with GICv3, on -cpu max, of the vector and
  fault scenarios, whose traces must again be the reference's;
- `soc-ranges (GICv2/3)`: QEMU's tree rewritten with the PL011 and GIC under a /soc bus
  (test/soc_dtb.py): the kernel finds them through `ranges`, the timer interrupts;
- `smoke`: the machine's own smoke test passed, its PMCCNTR loop read 4001 (icount);
- `qemu-failure (-cpu no-such-cpu)`: boot.sh exits 3, never 0.

usage: boot_test.py SRCDIR (HOSTED_RUNNER | --expected TRACES)   (images in SRCDIR/build-aarch64)
Prints one verdict a line and `N passed, N failed`; exit status 0 only when all passed.
"""
import os
import re
import subprocess
import sys
import tempfile

EXPECTED_FAULTS = {   # arch/aarch64/trap.cpp's names for scenarios.cpp's arm64 cases
    'fault-cli': 'Protection', 'fault-out': 'Protection', 'fault-ud2': 'InvalidInstruction',
    'fault-divide': 'DivideError', 'fault-jump-kernel': 'PageFault',
    'fault-bad-trap': 'bad trap', 'fault-yield-keeper': 'InvalidInstruction',
}
VECTOR_SCENARIOS = ('vector-state', 'vector-avx')
HARDWARE_ONLY = ('endless-loop',)


def blocks(text):
    return {m.group(1): m.group(2) for m in
            re.finditer(r'^=== scenario (\S+)\n(.*?)^=== end \1\n', text, re.M | re.S)}


def runs(text):
    parts = re.split(r'^--- run (\S+)\n', text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def boot(top, image, *qemu):
    cmd = [os.path.join(top, 'arch/aarch64/boot.sh'), image]
    if qemu:
        cmd += ['--', *qemu]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main(argv):
    if len(argv) != 3 and not (len(argv) == 4 and argv[2] == '--expected'):
        print(__doc__)
        return 2
    top = os.path.abspath(argv[1])
    out = os.path.join(top, 'build-aarch64')
    results = []

    def verdict(name, ok, why=''):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok or not why else ': ' + why}")

    b = subprocess.run([os.path.join(top, 'arch/aarch64/build.sh'), top, out], capture_output=True, text=True)
    if b.returncode != 0:
        verdict('build', False, b.stdout + b.stderr)
        print('0 passed, 1 failed')
        return 1
    if len(argv) == 4:
        expected = blocks(open(argv[3]).read())
    else:
        expected = blocks(subprocess.run([argv[2]], capture_output=True, text=True, check=True).stdout)

    rc, text, err = boot(top, os.path.join(out, 'eros-aarch64.bin'))
    verdict('boot', rc == 0 and 'KERNEL FAULT' not in text and 'kernel panic' not in text
            and 'all scenarios ran' in text, f'boot.sh exited {rc}: {err.strip()[-300:]}')
    traces, printed = blocks(text), runs(text)
    for name, body in printed.items():
        if name.startswith('bench-'):
            verdict(name, re.search(rf'^bench {re.escape(name)}: ', body, re.M) is not None
                    and re.search(r'^  samples \S+ bytes \d+ n [1-9]\d*:', body, re.M) is not None
                    and 'malformed' not in body, 'no samples printed')
            continue
        m = re.search(r'^vector state: (\d+) saves, (\d+) restores', body, re.M)
        touched = m is not None and (m.group(1) != '0' or m.group(2) != '0')
        if touched != (name in VECTOR_SCENARIOS):
            verdict(name, False, f'FP/SIMD state saved or restored: {m.group(0) if m else "no line"}')
            continue
        if name in HARDWARE_ONLY:
            t = re.search(r'timer: (\d+) ticks, (\d+) preemptions', body)
            verdict(name, t is not None and int(t.group(2)) >= 2 and 'watchdog: d' in body,
                    'not preempted, or not stopped by the watchdog')
            continue
        if name not in expected:
            verdict(name, False, 'no reference trace')
            continue
        fault = EXPECTED_FAULTS.get(name)
        if fault is not None and not re.search(rf'^fault: d\d+ {re.escape(fault)}', body, re.M):
            verdict(name, False, f'expected fault "{fault}" not printed')
            continue
        verdict(name, traces.get(name) == expected[name], 'trace differs from the reference')

    rc, text, err = boot(top, os.path.join(out, 'eros-aarch64.bin'), '-cpu', 'max', '-M',
                         'virt,virtualization=on,gic-version=3', '-append', 'only=vector-,fault-')
    second = blocks(text)
    verdict('el2-gicv3-max', rc == 0 and 'entry: EL2 (dropped to EL1)' in text and 'gic: v3' in text
            and len(second) > 0 and all(second[n] == expected.get(n) for n in second),
            f'boot.sh exited {rc}, or a trace differs')

    # The devices under a bus with `ranges` (test/soc_dtb.py), on both GICs.
    for gic in ('2', '3'):
        with tempfile.TemporaryDirectory() as tmp:
            virt, soc = os.path.join(tmp, 'virt.dtb'), os.path.join(tmp, 'soc.dtb')
            machine = f'virt,gic-version={gic}'
            subprocess.run(['qemu-system-aarch64', '-M', f'{machine},dumpdtb={virt}', '-cpu', 'cortex-a53',
                            '-m', '256M', '-nographic'], capture_output=True)
            subprocess.run([sys.executable, os.path.join(top, 'arch/aarch64/test/soc_dtb.py'), virt, soc],
                           capture_output=True, check=True)
            rc, text, err = boot(top, os.path.join(out, 'eros-aarch64.bin'), '-M', machine, '-dtb', soc,
                                 '-append', 'only=pingpong-,endless-loop')
        runs_soc = blocks(text)
        verdict(f'soc-ranges (GICv{gic})', rc == 0 and 'console: PL011 at 0x9000000' in text
                and f'gic: v{gic}, distributor 0x8000000' in text and 'watchdog: d' in text
                and all(runs_soc.get(n) == expected.get(n) for n in ('pingpong-intra', 'pingpong-inter')),
                f'boot.sh exited {rc}, or a device not found through /soc\'s ranges')

    rc, text, err = boot(top, os.path.join(out, 'eros-aarch64-smoke.bin'))
    verdict('smoke', rc == 0 and 'smoke test passed' in text
            and 'subs/b.ne loop 4001 instructions' in text, f'boot.sh exited {rc}')

    rc, text, err = boot(top, os.path.join(out, 'eros-aarch64.bin'), '-cpu', 'no-such-cpu')
    verdict('qemu-failure (-cpu no-such-cpu)', rc == 3 and 'QEMU failed' in err, f'boot.sh exited {rc}')

    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
