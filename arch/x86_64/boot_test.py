#!/usr/bin/env python3
"""The bare-metal test: builds the x86_64 image, boots it once under QEMU TCG, and checks
each scenario of scenarios/ as a test of its own:

- every compared scenario: its bare-metal trace is byte-identical to the hosted trace of
  the same scenario (scenarios/hosted_main.cpp on sim::System);
- the fault scenarios whose domain has no keeper also printed the expected fault;
- every benchmark printed its raw samples (tools/bench_stats.py finds its figures in
  them); the hardware-only scenarios (an endless loop) did what HARDWARE_ONLY says;
- no vector state was saved or restored in any scenario but `vector-state` and
  `vector-avx` (the only programs that touch the vector registers): a switch between
  domains that did not touch them costs none;
- `vector-avx (-cpu max)`: a second, short boot on QEMU's `max` CPU (AVX, XSAVE) running
  only the vector scenarios, whose traces must again be the hosted ones;
- `boot`: the image built, the kernel exited with Success (boot.sh 0) and never faulted
  or panicked itself;
- `qemu-failure (-cpu no-such-cpu)`: boot.sh with a CPU model QEMU does not know exits
  non-zero and says QEMU failed: QEMU's own failure is never taken for the kernel's success.

usage: [EROS_BAREMETAL_BUILD=DIR] boot_test.py SRCDIR HOSTED_RUNNER [-r junit -o REPORT.xml]
       (the image is built in DIR, default SRCDIR/build-x86_64)
       boot_test.py --iso SRCDIR HOSTED_RUNNER   (the GRUB ISO under SeaBIOS and OVMF:
                                                  iso_main below; meson test baremetal-iso)

With `-r junit -o FILE` (what tools/run_tests.py passes to a test in suite 'junit', as to
a Catch2 executable) it writes one JUnit test case per scenario, so that `./eros test`
counts each scenario in its `N passed, N failed` total. The exit status is 0 only when
every case passed.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'baremetal'))
from boot_check import (VECTOR_SCENARIOS, blocks, finish, junit_args, kernel_faults,  # noqa: E402
                        runs, scenario_cases, write_junit)

def cpu_max_case(top, want):
    """A second boot with `-cpu max` (TCG's AVX, XSAVE, XSAVEOPT; the default CPU has none
    of them) running only the vector scenarios: their traces byte-identical to the hosted
    ones (no domain saw another's XMM or YMM values: a failed check would be a Void Call in
    the trace), and where the kernel enabled AVX, vector-avx's state saved and restored
    with XSAVE."""
    name = 'vector-avx (-cpu max)'
    try:
        boot = subprocess.run([f'{top}/arch/x86_64/boot.sh', f'{image_dir(top)}/eros-x86_64.elf',
                               '--', '-cpu', 'max', '-append', 'only=vector-'],
                              capture_output=True, text=True, timeout=120)
        out, status = boot.stdout, boot.returncode
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or b'').decode(errors='replace'), 124
    got, ran = blocks(out), runs(out)
    problems = [] if status == 0 else [f'boot.sh status {status}']
    for n in VECTOR_SCENARIOS:
        if n in want and got.get(n) != want[n]:
            problems.append(f'{n}: trace differs from the hosted one:\n{got.get(n)}')
    line = next((l for l in out.splitlines() if l.startswith('vector state: X')), '')
    m = re.search(r'^vector state: (\d+) saves', ran.get('vector-avx', ''), re.M)
    if 'AVX' in line and (m is None or m.group(1) == '0'):
        problems.append('AVX enabled, yet vector-avx saved no state')
    return (name, not problems, '\n'.join(problems) + ('' if not problems else '\n' + out[-3000:]))


def qemu_failure_case(top):
    """QEMU fails by itself (an unknown CPU model: it exits 1, which is what a kernel writing
    0 to isa-debug-exit would give): boot.sh must exit non-zero and say QEMU failed, not
    that the kernel exited."""
    name = 'qemu-failure (-cpu no-such-cpu)'
    try:
        boot = subprocess.run([f'{top}/arch/x86_64/boot.sh', f'{image_dir(top)}/eros-x86_64.elf',
                               '--', '-cpu', 'no-such-cpu'], capture_output=True, text=True,
                              timeout=60)
        status, err = boot.returncode, boot.stderr
    except subprocess.TimeoutExpired:
        status, err = 124, 'timed out'
    ok = status != 0 and re.search(r'^boot: QEMU failed ', err, re.M) is not None
    return (name, ok, '' if ok else f'boot.sh status {status}, stderr:\n{err}')


def image_dir(top):
    """Where build.sh builds: EROS_BAREMETAL_BUILD, else SRCDIR/build-x86_64."""
    return os.environ.get('EROS_BAREMETAL_BUILD') or f'{top}/build-x86_64'


def check(top, runner):
    """Returns [(name, ok, message)], one per scenario plus `boot`, the console text, and
    how many scenarios were byte-identical to the hosted traces."""
    cases = []
    build = subprocess.run([f'{top}/arch/x86_64/build.sh', top, image_dir(top)], capture_output=True,
                           text=True)
    if build.returncode != 0:
        return [('boot', False, 'the image did not build:\n' + build.stdout + build.stderr)], '', 0
    try:
        boot = subprocess.run([f'{top}/arch/x86_64/boot.sh', f'{image_dir(top)}/eros-x86_64.elf'],
                              capture_output=True, text=True, timeout=240)
        metal, status, err = boot.stdout, boot.returncode, boot.stderr.strip()
    except subprocess.TimeoutExpired as e:
        metal, status, err = (e.stdout or b'').decode(errors='replace'), 124, 'timed out'
    hosted = subprocess.run([runner], capture_output=True, text=True, check=True).stdout
    want = blocks(hosted)

    bad_kernel = kernel_faults(metal)
    # QEMU's -kernel leaves VGA text mode: the screen console must have found it.
    screen_ok = re.search(r'^screen: VGA text, 80 x 25 characters$', metal, re.M) is not None
    success = re.search(r'^boot: the kernel exited with Success$', err, re.M) is not None
    boot_ok = status == 0 and success and not bad_kernel and bool(want) and screen_ok
    cases.append(('boot', boot_ok,
                  '' if boot_ok else f'boot.sh status {status} ({err}); '
                  f'{len(want)} hosted scenarios; {bad_kernel}; screen line found: {screen_ok}\n'
                  f'{metal[-4000:]}'))

    cases += scenario_cases('x86_64', want, metal)
    cases.append(cpu_max_case(top, want))
    cases.append(qemu_failure_case(top))
    return cases, metal, want


# The ISO boots: (boot.sh option, firmware, what the loader line must say, whether every
# trace must be byte-identical). Under OVMF boot.sh runs plain TCG (with icount OVMF alone
# takes ~40 s), whose virtual time follows the host's clock: when the host deschedules
# QEMU, a domain seems to have run a whole time slice and is preempted in the middle of its
# work, which can reorder a trace (seen once in `coroutine` while another test ran). So
# there the traces are compared and counted but not required; under icount they are.
ISO_BOOTS = [('--iso', 'SeaBIOS', r'^loader: Multiboot 2 \(GRUB[^)]*\), BIOS', True),
             ('--uefi', 'OVMF', r'^loader: Multiboot 2 \(GRUB[^)]*\), EFI \(system table 0x[0-9a-f]+\)',
              False)]


def iso_main(top, runner):
    """`boot_test.py --iso SRCDIR RUNNER` (meson test baremetal-iso): builds the ELF and the
    GRUB ISO, boots the ISO under SeaBIOS (TCG with icount) and under OVMF on q35 (plain
    TCG: with icount OVMF alone takes ~40 s), and checks each time that GRUB's multiboot2
    started the kernel (the loader line names BIOS or EFI), that the kernel exited with
    Success through isa-debug-exit (boot.sh 0) after "all scenarios ran", never faulted itself, and (under SeaBIOS, with
    icount) that every compared scenario's trace is byte-identical to the hosted runner's."""
    for step in ([f'{top}/arch/x86_64/build.sh', top],
                 [f'{top}/arch/x86_64/iso.sh', f'{top}/build-x86_64/eros-x86_64.elf']):
        made = subprocess.run(step, capture_output=True, text=True)
        print(made.stdout.strip())
        if made.returncode != 0:
            print(f'FAILED: {step[0]}\n{made.stderr}')
            return 1
    want = blocks(subprocess.run([runner], capture_output=True, text=True, check=True).stdout)
    failed = 0
    for option, firmware, loader, traces_required in ISO_BOOTS:
        start = time.time()
        try:
            boot = subprocess.run([f'{top}/arch/x86_64/boot.sh', option,
                                   f'{top}/build-x86_64/eros-x86_64.iso'],
                                  capture_output=True, timeout=120)
            out, status = boot.stdout.decode(errors='replace'), boot.returncode
            err = boot.stderr.decode(errors='replace').strip()
        except subprocess.TimeoutExpired as e:
            out, status, err = (e.stdout or b'').decode(errors='replace'), 124, 'timed out'
        seconds = time.time() - start
        got = blocks(out)
        problems = []
        if status != 0:
            problems.append(f'boot.sh status {status} ({err})')
        if not re.search(r'^all scenarios ran$', out, re.M):
            problems.append('no "all scenarios ran" line')
        if not re.search(loader, out, re.M):
            problems.append(f'no loader line matching {loader!r}')
        # The kernel asks GRUB for a framebuffer (the screen console), under BIOS and UEFI.
        if not re.search(r'^screen: framebuffer \d+x\d+x(24|32), \d+ x \d+ characters$', out, re.M):
            problems.append('no "screen: framebuffer ..." line: GRUB passed no usable framebuffer')
        bad_kernel = [l for l in out.splitlines() if l.startswith(('KERNEL FAULT', 'kernel panic'))]
        if bad_kernel:
            problems.append(f'the kernel faulted: {bad_kernel}')
        differ = [n for n, trace in want.items() if got.get(n) != trace]
        if not want or (differ and traces_required):
            problems.append(f'traces not byte-identical to the hosted ones: {differ}')
        line = next((l for l in out.splitlines() if l.startswith('loader:')), '(no loader line)')
        screen = next((l for l in out.splitlines() if l.startswith('screen:')), '(no screen line)')
        print(f'{firmware} ({option}): {"ok" if not problems else "FAILED"} in {seconds:.1f} s; '
              f'{line}; {screen}; {len(want) - len(differ)}/{len(want)} traces identical'
              + ('' if not differ or traces_required else f' (differ, not required: {differ})'))
        if problems:
            failed += 1
            print('  ' + '\n  '.join(problems) + '\n' + out[-3000:])
    print(f'{len(ISO_BOOTS) - failed}/{len(ISO_BOOTS)} ISO boots passed (SeaBIOS, OVMF)')
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if args and args[0] == '--iso':
        return iso_main(args[1], args[2])
    report = junit_args(args)
    top, runner = args[0], args[1]
    start = time.time()
    cases, metal, want = check(top, runner)
    if report:
        write_junit(report, 'baremetal-x86_64', cases, time.time() - start)
    return finish(cases, metal, want)


if __name__ == '__main__':
    sys.exit(main())
