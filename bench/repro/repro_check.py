#!/usr/bin/env python3
"""Test: `./eros repro --quick` (tools/repro.py --quick) into a temporary directory finishes
and writes every output, and every output parses. How long it took is printed, not judged:
a loaded machine must not fail the test.

    repro_check.py SOURCE_ROOT BUILD_ROOT
    repro_check.py --dir DIR          # only check the outputs of a finished run in DIR

It checks that files exist and parse and that the headline keys are there and are plain
numbers (or objects of numbers); it does not judge the figures (that is the report's job).
It does check every experiment's correctness counters: each must be 0, every payload row
must have had its bytes verified, and the report must say so (correctness_failures()).
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HANG_S = 900   # a guard against a hang only
KERNEL = ['null', 'oneway', 'echo', 'twohop', 'throughput', 'spaces']
TABLE1_COLUMNS = ['payload_bytes', 'eros_paper_mb_s', 'eros_mb_s', 'pipe_paper_mb_s', 'pipe_mb_s',
                  'udp_paper_mb_s', 'udp_mb_s', 'tcp_paper_mb_s', 'tcp_mb_s', 'tcp_nodelay_paper_mb_s',
                  'tcp_nodelay_mb_s']
NUMBER_KEYS = ['null_ipc_roundtrip_ns', 'raw_switch_roundtrip_ns', 'throughput_64k_over_memcpy']
OBJECT_KEYS = ['oneway_over_bcopy', 'twohop_tailcall_benefit']
COPY_KEYS = ['hybrid_vs_libc_worst', 'hybrid_vs_libc_geomean', 'hybrid_vs_hw_worstclass']
# The bare-metal experiment (issue 7): numbers, unless it was skipped because QEMU cannot
# start at all (summary.json -> missing.baremetal begins "skipped").
BAREMETAL_KEYS = ['baremetal_intra_ipc_insns', 'baremetal_inter_ipc_insns', 'baremetal_null_syscall_insns',
                  'baremetal_null_ipc_roundtrip_insns', 'baremetal_yield_insns', 'baremetal_first_write_insns',
                  'baremetal_boot_insns', 'baremetal_boot_ms_tcg', 'baremetal_stream_copy_mb_s_tcg',
                  'linux_stream_copy_mb_s', 'baremetal_aarch64_intra_ipc_insns',
                  'baremetal_aarch64_inter_ipc_insns', 'baremetal_aarch64_null_syscall_insns',
                  'baremetal_aarch64_first_write_insns', 'baremetal_aarch64_boot_insns',
                  'baremetal_aarch64_stream_copy_mb_s_tcg']
BAREMETAL_ACCELS = ('tcg-icount', 'kvm', 'tcg')

failures = []
CORRECTNESS_COUNTERS = ('errors', 'payload_mismatches', 'copy_mismatches')


def correctness_failures(out):
    """Every correctness counter of the run in `out` that is not 0, and every payload that
    was not verified, read from the experiments' own files (not from repro.py's summary
    alone). An empty list: the run delivered every byte it sent."""
    bad = []
    summary = {}
    try:
        with open(os.path.join(out, 'summary.json')) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        bad.append(f'summary.json: {e}')
    corr = summary.get('correctness')
    if not isinstance(corr, dict):
        bad.append('summary.json: no correctness block')
    else:
        if corr.get('verified') is not True:
            bad.append(f'summary.json: correctness.verified is {corr.get("verified")!r}')
        for x in corr.get('failures', []):
            bad.append(f'summary.json: {x.get("experiment")} {x.get("row")}: {x.get("counter")} = {x.get("value")}')
    missing = summary.get('missing', {})
    for e in KERNEL:
        if e in missing:
            continue
        try:
            with open(os.path.join(out, f'{e}.json')) as f:
                j = json.load(f)
        except (OSError, ValueError) as err:
            bad.append(f'{e}.json: {err}')
            continue
        for k in CORRECTNESS_COUNTERS:
            if j.get(k, 0) != 0:
                bad.append(f'{e}.json: {k} = {j[k]}')
        rows = j.get('checks')
        if not rows:
            bad.append(f'{e}.json: no checks')
            continue
        for r in rows:
            for k in CORRECTNESS_COUNTERS:
                if r.get(k, 0) != 0:
                    bad.append(f'{e}.json: {r["payload_bytes"]} B {r["path"]}: {k} = {r[k]}')
            if r['payload_bytes'] > 0 and not r.get('transfers_verified'):
                bad.append(f'{e}.json: {r["payload_bytes"]} B {r["path"]}: no transfer verified')
    if os.path.exists(os.path.join(out, 'baselines.json')):
        with open(os.path.join(out, 'baselines.json')) as f:
            for r in json.load(f).get('rows', []):
                if (r.get('ok') or r.get('bytes_checked')) and not r.get('verified'):
                    bad.append(f'baselines.json: {r["transport"]} {r["mode"]} {r["placement"]} '
                               f'{r["payload_bytes"]} B: verified = false')
    if os.path.exists(os.path.join(out, 'copy_summary.json')):
        with open(os.path.join(out, 'copy_summary.json')) as f:
            cs = json.load(f)
        if cs.get('copy_mismatches') != 0 or not cs.get('copies_verified'):
            bad.append(f'copy_summary.json: copy_mismatches = {cs.get("copy_mismatches")!r} of '
                       f'{cs.get("copies_verified")!r} copies verified')
    if os.path.exists(os.path.join(out, 'baremetal.json')):
        with open(os.path.join(out, 'baremetal.json')) as f:
            bm = json.load(f)
        for accel, boot in bm.get('boots', {}).items():
            for name, b in boot.get('bench', {}).items():
                errs = b.get('series', {}).get('errors', {}).get('median')
                if errs:
                    bad.append(f'baremetal.json: {accel} {name}: errors = {errs}')
        for key in ('linux', 'linux_4x_llc'):
            lin = bm.get('stream', {}).get(key)
            if lin is not None and lin.get('errors'):
                bad.append(f'baremetal.json: STREAM {key}: errors = {lin["errors"]}')
    try:
        with open(os.path.join(out, 'report.md')) as f:
            report = f.read()
        if '## Correctness' not in report or 'Every check passed, every payload verified' not in report:
            bad.append('report.md: no correctness section saying every payload was verified')
    except OSError as err:
        bad.append(f'report.md: {err}')
    return bad


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--dir':
        check_output(sys.argv[2])
        took = None
    else:
        src, build = sys.argv[1], sys.argv[2]
        with tempfile.TemporaryDirectory(prefix='eros-repro-') as out:
            t0 = time.time()
            proc = subprocess.run([sys.executable, os.path.join(src, 'tools', 'repro.py'), '--build', build,
                                   '--quick', '--out', out], capture_output=True, text=True, timeout=HANG_S)
            took = time.time() - t0
            sys.stdout.write(proc.stdout)
            sys.stdout.write(proc.stderr[-3000:])
            check(proc.returncode == 0, f'repro.py exit status {proc.returncode}')
            check_output(out)

    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures))
        return 1
    print('\nrepro --quick: every output present and parsed, every correctness counter 0, every payload '
          'verified' + (f' ({took:.1f} s)' if took is not None else ''))
    return 0


def check_output(out):
    """Every output of the run in `out` exists and parses, and its correctness counters are 0."""
    summary = None
    try:
        with open(os.path.join(out, 'summary.json')) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        check(False, f'summary.json: {e}')
    missing = (summary or {}).get('missing', {})
    if summary:
        for k in NUMBER_KEYS:
            check(is_number(summary.get(k)), f'summary.json: {k} is not a number: {summary.get(k)!r}')
        for k in OBJECT_KEYS:
            v = summary.get(k)
            check(isinstance(v, dict) and v and all(is_number(x) for x in v.values()),
                  f'summary.json: {k} is not an object of numbers: {v!r}')
        if 'copy' not in missing:
            for k in COPY_KEYS:
                check(is_number(summary.get(k)), f'summary.json: {k} is not a number: {summary.get(k)!r}')
        check(isinstance(summary.get('judged'), dict) and len(summary['judged']) == 3,
              'summary.json: judged should hold the three judged figures')

    bm_missing = str(missing.get('baremetal', ''))
    check(not bm_missing or bm_missing.startswith('skipped'),
          f'baremetal experiment failed (only a QEMU that cannot start may skip it): {bm_missing}')
    if summary and not bm_missing:
        check(summary.get('baremetal_accel') in BAREMETAL_ACCELS,
              f'summary.json: baremetal_accel is {summary.get("baremetal_accel")!r}')
        for k in BAREMETAL_KEYS:
            check(is_number(summary.get(k)), f'summary.json: {k} is not a number: {summary.get(k)!r}')
        try:
            with open(os.path.join(out, 'baremetal.json')) as f:
                bm = json.load(f)
            check('tcg-icount' in bm.get('boots', {}) and 'tcg' in bm.get('boots', {}),
                  'baremetal.json: no tcg-icount and tcg boots')
            with open(os.path.join(out, 'baremetal.csv')) as f:
                rows = list(csv.DictReader(f))
            check(any(r['benchmark'] == 'bench-intra' for r in rows), 'baremetal.csv: no bench-intra row')
            for r in rows:
                if r['median']:
                    float(r['median'])
        except (OSError, ValueError, KeyError) as err:
            check(False, f'baremetal.json/csv: {err}')
    for name in ['env.json'] + [f'{e}.json' for e in KERNEL]:
        try:
            with open(os.path.join(out, name)) as f:
                json.load(f)
        except (OSError, ValueError) as e:
            check(False, f'{name}: {e}')
    for e in KERNEL:
        path = os.path.join(out, f'{e}.csv')
        try:
            with open(path) as f:
                rows = list(csv.DictReader(f))
            check(len(rows) > 0, f'{e}.csv has no rows')
            for r in rows:
                float(r['ns_median'])
                float(r['ticks_median'])
        except (OSError, ValueError, KeyError) as err:
            check(False, f'{e}.csv: {err}')
    try:
        with open(os.path.join(out, 'table1.csv')) as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
        check(header[:len(TABLE1_COLUMNS)] == TABLE1_COLUMNS, f'table1.csv columns: {header}')
        check(len(rows) >= 12, f'table1.csv has {len(rows)} rows')
        for r in rows:
            float(r[2])   # eros_mb_s is always measured
    except (OSError, ValueError, StopIteration) as err:
        check(False, f'table1.csv: {err}')
    if 'baselines' not in missing:
        check(os.path.exists(os.path.join(out, 'baselines.csv')), 'baselines.csv missing')
    if 'copy' not in missing:
        check(os.path.exists(os.path.join(out, 'copy.csv')), 'copy.csv missing')
    try:
        with open(os.path.join(out, 'report.md')) as f:
            report = f.read()
        check('## The judged figures' in report and '| paper |' in report,
              'report.md lacks the judged figures or a paper column')
        if not bm_missing:
            check('(L4Re ipcbench layout' in report and '(HermitCore layout' in report,
                  'report.md lacks the bare-metal L4Re and HermitCore tables')
    except OSError as err:
        check(False, f'report.md: {err}')
    import shutil
    if shutil.which('gnuplot'):
        for fig in ('fig3', 'fig4', 'fig5', 'fig6'):
            for ext in ('svg', 'png'):
                p = os.path.join(out, f'{fig}.{ext}')
                check(os.path.exists(p) and os.path.getsize(p) > 500, f'{fig}.{ext} missing or empty')
        with open(os.path.join(out, 'fig3.png'), 'rb') as f:
            check(f.read(8) == b'\x89PNG\r\n\x1a\n', 'fig3.png is not a PNG')
        with open(os.path.join(out, 'fig3.svg')) as f:
            check('<svg' in f.read(2000), 'fig3.svg is not an SVG')
    for what in correctness_failures(out):
        check(False, f'correctness: {what}')


if __name__ == '__main__':
    sys.exit(main())
