#!/usr/bin/env python3
"""The bare-metal arm64 test: builds the images, boots the kernel under QEMU virt (TCG,
-icount shift=0) and checks each scenario of scenarios/ as a test of its own, as
arch/x86_64/boot_test.py does for x86_64 (baremetal/boot_check.py: what both check):

- every compared scenario: its trace byte-identical to the hosted runner's
  (scenarios/hosted_main.cpp), or to a file of traces (--expected, x86_64's say);
- the fault scenarios whose domain has no keeper printed the expected fault;
- FP/SIMD state saved or restored in no scenario but the vector ones;
- every benchmark printed its raw samples; endless-loop was preempted and stopped;
- `boot`: the kernel exited with Success and never faulted itself;
- `el2-gicv3-max`: a second boot entered at EL2, with GICv3, on -cpu max, of the vector and
  fault scenarios, whose traces must again be the reference's;
- `soc-ranges (GICv2/3)`: QEMU's tree rewritten with the PL011 and GIC under a /soc bus
  (test/soc_dtb.py): the kernel finds them through `ranges`, the timer interrupts;
- `smoke`: the machine's own smoke test passed, its PMCCNTR loop read 4001 (icount);
- `qemu-failure (-cpu no-such-cpu)`: boot.sh exits 3, never 0.

usage: boot_test.py SRCDIR (HOSTED_RUNNER | --expected TRACES) [-r junit -o REPORT.xml]
       (images in SRCDIR/build-aarch64)
With `-r junit -o FILE` (tools/run_tests.py, suite 'junit') one JUnit test case a verdict,
so that `./eros test` counts each. The exit status is 0 only when every case passed.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'baremetal'))
from boot_check import blocks, finish, junit_args, kernel_faults, scenario_cases, write_junit  # noqa: E402


def boot(top, image, *qemu):
    cmd = [os.path.join(top, 'arch/aarch64/boot.sh'), image]
    if qemu:
        cmd += ['--', *qemu]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return 124, (e.stdout or b'').decode(errors='replace'), 'timed out'


def check(top, expected):
    out = os.path.join(top, 'build-aarch64')
    b = subprocess.run([os.path.join(top, 'arch/aarch64/build.sh'), top, out], capture_output=True,
                       text=True)
    if b.returncode != 0:
        return [('boot', False, 'the image did not build:\n' + b.stdout + b.stderr)], ''
    kernel = os.path.join(out, 'eros-aarch64.bin')
    cases = []

    rc, metal, err = boot(top, kernel)
    ok = rc == 0 and not kernel_faults(metal) and 'all scenarios ran' in metal and bool(expected)
    cases.append(('boot', ok, '' if ok else f'boot.sh exited {rc}: {err.strip()[-300:]}\n{metal[-4000:]}'))
    cases += scenario_cases('aarch64', expected, metal)

    rc, text, err = boot(top, kernel, '-cpu', 'max', '-M', 'virt,virtualization=on,gic-version=3',
                         '-append', 'only=vector-,fault-')
    second = blocks(text)
    ok = (rc == 0 and 'entry: EL2 (dropped to EL1)' in text and 'gic: v3' in text
          and len(second) > 0 and all(second[n] == expected.get(n) for n in second))
    cases.append(('el2-gicv3-max', ok, '' if ok else f'boot.sh exited {rc}, or a trace differs\n{text[-3000:]}'))

    # The devices under a bus with `ranges` (test/soc_dtb.py), on both GICs.
    for gic in ('2', '3'):
        with tempfile.TemporaryDirectory() as tmp:
            virt, soc = os.path.join(tmp, 'virt.dtb'), os.path.join(tmp, 'soc.dtb')
            machine = f'virt,gic-version={gic}'
            subprocess.run(['qemu-system-aarch64', '-M', f'{machine},dumpdtb={virt}', '-cpu', 'cortex-a53',
                            '-m', '256M', '-nographic'], capture_output=True)
            subprocess.run([sys.executable, os.path.join(top, 'arch/aarch64/test/soc_dtb.py'), virt, soc],
                           capture_output=True, check=True)
            rc, text, err = boot(top, kernel, '-M', machine, '-dtb', soc, '-append', 'only=pingpong-,endless-loop')
        traces = blocks(text)
        ok = (rc == 0 and 'console: PL011 at 0x9000000' in text
              and f'gic: v{gic}, distributor 0x8000000' in text and 'watchdog: d' in text
              and all(traces.get(n) == expected.get(n) for n in ('pingpong-intra', 'pingpong-inter')))
        cases.append((f'soc-ranges (GICv{gic})', ok,
                      '' if ok else f"boot.sh exited {rc}, or a device not found through /soc's ranges\n{text[-3000:]}"))

    rc, text, err = boot(top, os.path.join(out, 'eros-aarch64-smoke.bin'))
    ok = rc == 0 and 'smoke test passed' in text and 'subs/b.ne loop 4001 instructions' in text
    cases.append(('smoke', ok, '' if ok else f'boot.sh exited {rc}\n{text[-3000:]}'))

    rc, text, err = boot(top, kernel, '-cpu', 'no-such-cpu')
    ok = rc == 3 and 'QEMU failed' in err
    cases.append(('qemu-failure (-cpu no-such-cpu)', ok, '' if ok else f'boot.sh exited {rc}: {err}'))
    return cases, metal


def main(argv):
    args = argv[1:]
    report = junit_args(args)
    if len(args) != 2 and not (len(args) == 3 and args[1] == '--expected'):
        print(__doc__, file=sys.stderr)
        return 2
    top = os.path.abspath(args[0])
    if len(args) == 3:
        with open(args[2]) as f:
            expected = blocks(f.read())
    else:
        expected = blocks(subprocess.run([args[1]], capture_output=True, text=True, check=True).stdout)
    start = time.time()
    cases, metal = check(top, expected)
    if report:
        write_junit(report, 'baremetal-aarch64', cases, time.time() - start)
    return finish(cases, metal, expected)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
