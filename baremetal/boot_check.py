"""What both machines' boot tests (arch/*/boot_test.py) check the same way: a boot's
console text cut into scenarios, each compared scenario against the hosted runner's
trace, each benchmark's raw samples, the endless loop, vector state, and the JUnit report
through which `./eros test` counts every scenario as a test."""
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import bench_stats  # noqa: E402  (tools/bench_stats.py: the benchmarks' statistics)

# The fault each machine's kernel prints for a domain with no valid keeper (the trace shows
# the Fault with status Void, then its Halt), by machine; keepers check theirs in the trace.
EXPECTED_FAULTS = {
    'x86_64': {'fault-cli': '#GP', 'fault-out': '#GP', 'fault-ud2': '#UD', 'fault-divide': '#DE',
               'fault-jump-kernel': '#PF', 'fault-bad-trap': 'bad trap', 'fault-yield-keeper': '#UD'},
    'aarch64': {'fault-cli': 'Protection', 'fault-out': 'Protection', 'fault-ud2': 'InvalidInstruction',
                'fault-divide': 'DivideError', 'fault-jump-kernel': 'PageFault',
                'fault-bad-trap': 'bad trap', 'fault-yield-keeper': 'InvalidInstruction'},
}
FAULT_LINE = r'^fault: d\d+ (bad trap|#?\w+)'
VECTOR_SCENARIOS = ('vector-state', 'vector-avx')


def blocks(text):
    """Each scenario's trace, between its === markers: NAME -> text."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r'^=== scenario (\S+)\n(.*?)^=== end \1\n', text, re.M | re.S)}


def runs(text):
    """What the kernel printed while each scenario ran: NAME -> text up to the next run."""
    parts = re.split(r'^--- run (\S+)\n', text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def kernel_faults(text):
    return [l for l in text.splitlines() if l.startswith(('KERNEL FAULT', 'kernel panic'))]


def vector_ok(name, text):
    """Only the vector scenarios' programs touch the vector registers: elsewhere no save,
    no restore."""
    m = re.search(r'^vector state: (\d+) saves, (\d+) restores', text, re.M)
    return m is not None and (name in VECTOR_SCENARIOS or (m.group(1), m.group(2)) == ('0', '0'))


def endless_loop_ok(trace, text):
    """The loops were preempted, the client finished, the watchdog ended the scenario."""
    m = re.search(r'timer: (\d+) ticks, (\d+) preemptions', text)
    return (m is not None and int(m.group(2)) >= 2 and trace.rstrip().endswith('Halt d3')
            and trace.count('Call d3 Start(k1) -> 2 badge=0 sent=0 landed=0 Ok') == 3
            and re.search(r'^watchdog: d[14] ', text, re.M) is not None)


# Scenarios that only the hardware can run (hosted_main.cpp skips them): what to check.
HARDWARE_ONLY = {'endless-loop': endless_loop_ok}


def scenario_cases(machine, want, metal):
    """[(name, ok, message)]: every hosted scenario's trace byte-identical on bare metal
    (and its expected fault printed, and no vector state touched), then every scenario only
    bare metal ran: the hardware-only ones as HARDWARE_ONLY says, the benchmarks' raw
    samples whole."""
    cases, got, ran = [], blocks(metal), runs(metal)
    faults_wanted = EXPECTED_FAULTS[machine]
    for name, trace in want.items():
        if name not in got:
            cases.append((name, False, f'no trace on bare metal\n{ran.get(name, "")[-3000:]}'))
        elif got[name] != trace:
            cases.append((name, False, 'bare-metal trace differs from the hosted trace:\n'
                          f'--- hosted\n{trace}--- bare metal\n{got[name]}'))
        elif name in faults_wanted and \
                re.findall(FAULT_LINE, ran.get(name, ''), re.M) != [faults_wanted[name]]:
            cases.append((name, False, f'expected the fault {faults_wanted[name]}, printed '
                          f'{re.findall(FAULT_LINE, ran.get(name, ""), re.M)}'))
        elif not vector_ok(name, ran.get(name, '')):
            cases.append((name, False, 'vector state saved or restored: '
                          + ''.join(re.findall(r'^vector state: .*', ran.get(name, ''), re.M))))
        else:
            cases.append((name, True, ''))
    for name, text in ran.items():
        if name in want:
            continue
        if name in HARDWARE_ONLY:
            ok = name in got and HARDWARE_ONLY[name](got[name], text)
            cases.append((name, ok, '' if ok else f'not as expected:\n{text[-3000:]}'))
            continue
        ok = bool(bench_stats.benches(text).get(name, {}).get('series')) and vector_ok(name, text)
        cases.append((name, ok, '' if ok else f'no figures printed, or vector state saved:\n'
                      f'{text[-2000:]}'))
    return cases


def junit_args(args):
    """Takes `-r junit -o FILE` (what tools/run_tests.py passes a test in suite 'junit') out
    of args; returns the report's path, or None."""
    report = None
    if '-o' in args:
        i = args.index('-o')
        report = args[i + 1]
        del args[i:i + 2]
    if '-r' in args:
        i = args.index('-r')
        del args[i:i + 2]
    return report


def write_junit(path, suite, cases, seconds):
    failures = sum(not ok for _, ok, _ in cases)
    with open(path, 'w') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f'<testsuites><testsuite name="{suite}" tests="{len(cases)}" '
                f'failures="{failures}" errors="0" time="{seconds:.3f}">\n')
        for name, ok, message in cases:
            f.write(f'  <testcase classname="baremetal" name={quoteattr(name)}>')
            if not ok:
                f.write(f'<failure message="failed">{escape(message)}</failure>')
            f.write('</testcase>\n')
        f.write('</testsuite></testsuites>\n')


def finish(cases, metal, want):
    """The benchmarks' figures and the boot lines, every failure, the count; the exit status."""
    for line in bench_stats.summary(metal) + [l for l in metal.splitlines() if l.startswith('boot:')]:
        print(line)
    failed = [(n, m) for n, ok, m in cases if not ok]
    for name, message in failed:
        print(f'FAILED: {name}: {message}')
    compared = sum(1 for n, ok, _ in cases if ok and n in want)
    print(f'{len(cases) - len(failed)}/{len(cases)} bare-metal cases passed; '
          f'{compared} scenarios byte-identical to the hosted traces')
    return 1 if failed else 0
