#!/usr/bin/env python3
"""Test: a reproduction run whose kernel delivers a wrong byte fails, says where, and still
writes its report.

    repro_fault_check.py SOURCE_ROOT BUILD_ROOT

Runs tools/repro.py --quick (the kernel experiments and the Linux baselines) with the hidden
--corrupt-payload-for-test 4096: every receiving server of eros-repro-kernel flips one byte
of each 4096-byte string it receives, and the peer of every 4096-byte eros-baselines point
corrupts one byte. The benchmarks' own verification must see it. Asserts only on exit
status, messages and counters, never on measured times.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

FAULT = 4096
KERNEL = ['null', 'oneway', 'echo', 'twohop', 'throughput', 'spaces']
# The rows the fault must show in: every path of every kernel experiment that moves bytes,
# and baselines points on transports that cannot drop the corrupted bytes (UDP may).
EXPECTED = [('oneway', '4096 B cached'), ('oneway', '4096 B streaming'), ('echo', '4096 B echo'),
            ('echo', '4096 B oneway_hot'), ('twohop', '4096 B nested'), ('twohop', '4096 B tail'),
            ('twohop', '4096 B onehop'), ('throughput', '4096 B ipc'), ('spaces', '4096 B intra'),
            ('spaces', '4096 B inter'), ('baselines', 'pipe stream one_core 4096 B'),
            ('baselines', 'tcp rr_echo one_core 4096 B'), ('baselines', 'pipe rr_small one_core 4096 B')]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def main():
    src, build = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location('repro_check', os.path.join(here, 'repro_check.py'))
    repro_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(repro_check)

    with tempfile.TemporaryDirectory(prefix='eros-repro-fault-') as out:
        proc = subprocess.run([sys.executable, os.path.join(src, 'tools', 'repro.py'), '--build', build, '--quick',
                               '--only', ','.join(KERNEL + ['baselines']), '--out', out,
                               '--corrupt-payload-for-test', str(FAULT)],
                              capture_output=True, text=True, timeout=300)
        err = proc.stderr
        sys.stdout.write(proc.stdout + err[-4000:])
        check(proc.returncode == 1, f'repro.py exit status {proc.returncode}, not 1')
        check('CORRECTNESS CHECK FAILED' in err, 'stderr: no "CORRECTNESS CHECK FAILED"')
        for exp, row in EXPECTED:
            counter = 'payload_mismatches'
            check(f'experiment {exp}, row {row}: {counter} = ' in err,
                  f'stderr: no line for experiment {exp}, row {row}, counter {counter}')
        check('correctness: FAILED' in proc.stdout, 'stdout: the headline does not say correctness FAILED')

        # The report was written anyway, and shows the counters.
        try:
            with open(os.path.join(out, 'report.md')) as f:
                report = f.read()
            check('## Correctness' in report and 'CORRECTNESS CHECK FAILED' in report,
                  'report.md: no failed correctness section')
            check('| oneway | 4096 B cached | `payload_mismatches` |' in report,
                  'report.md: the oneway 4096 B cached row is not listed')
            check('corrupt_payload_for_test = 4096 B' in report, 'report.md: does not say a fault was injected')
            check('Every check passed' not in report, 'report.md: says every check passed')
        except OSError as e:
            check(False, f'report.md: {e}')
        try:
            with open(os.path.join(out, 'summary.json')) as f:
                corr = json.load(f).get('correctness', {})
            check(corr.get('verified') is False, f'summary.json: correctness.verified is {corr.get("verified")!r}')
            rows = {(x['experiment'], x['row']) for x in corr.get('failures', [])}
            for exp, row in EXPECTED:
                check((exp, row) in rows, f'summary.json: no failure for {exp} {row}')
            # The fault is confined to one payload: nothing else may fail.
            others = [x for x in corr.get('failures', []) if f'{FAULT} B' not in x['row']]
            check(not others, f'summary.json: failures outside the {FAULT}-byte rows: {others[:3]}')
            check(corr.get('experiments', {}).get('oneway', {}).get('payload_mismatches', 0) > 0,
                  'summary.json: oneway payload_mismatches is 0')
        except (OSError, ValueError) as e:
            check(False, f'summary.json: {e}')
        with open(os.path.join(out, 'oneway.json')) as f:
            oneway = json.load(f)
        check(oneway.get('payload_mismatches', 0) > 0, 'oneway.json: payload_mismatches is 0')
        bad = [r for r in oneway.get('checks', []) if r.get('payload_mismatches')]
        check(bad and all(r['payload_bytes'] == FAULT for r in bad),
              f'oneway.json: mismatching rows {[(r["payload_bytes"], r["path"]) for r in bad]}')

        # The checker of a finished run fails on it too.
        found = repro_check.correctness_failures(out)
        check(any('oneway.json: 4096 B cached: payload_mismatches' in x for x in found),
              f'repro_check.correctness_failures does not name oneway 4096 B cached: {found[:5]}')

    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures))
        return 1
    print(f'\nrepro with a corrupted {FAULT}-byte payload: failed as it must, every faulty row named, '
          'the report written')
    return 0


if __name__ == '__main__':
    sys.exit(main())
