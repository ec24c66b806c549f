#!/usr/bin/env python3
"""Runs every test of one or more meson build dirs and prints `N passed, N failed`.

Catch2 executables (suite 'catch2') count one test per test case, read from their JUnit
report, and so does any test in suite 'junit' (it takes the same `-r junit -o FILE`
arguments: arch/x86_64/boot_test.py, one case per bare-metal scenario); every other meson
test (suite 'check') counts as one test.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET


def meson_tests(build):
    out = subprocess.run(['meson', 'introspect', '--tests', build], check=True,
                         capture_output=True, text=True).stdout
    tests = json.loads(out)
    for t in tests:   # meson names suites 'project:suite'
        t['suite'] = [s.split(':')[-1] for s in t['suite']]
    return tests


def run_catch2(label, test, env):
    with tempfile.NamedTemporaryFile(suffix='.xml', delete=False) as f:
        report = f.name
    cmd = test['cmd'] + ['-r', 'junit', '-o', report]
    start = time.time()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=test.get('timeout') or 600, cwd=test.get('workdir') or None)
    except (subprocess.TimeoutExpired, OSError) as e:
        proc = subprocess.CompletedProcess(cmd, -1, '', f'{e}')
    results = []
    try:
        root = ET.parse(report).getroot()
        for case in root.iter('testcase'):
            name = f"{label}{test['name']}: {case.get('name')}"
            bad = case.find('failure') if case.find('failure') is not None else case.find('error')
            results.append((name, bad is None, '' if bad is None else (bad.text or bad.get('message', ''))))
    except (ET.ParseError, FileNotFoundError):
        pass
    finally:
        if os.path.exists(report):
            os.unlink(report)
    if not results or (proc.returncode != 0 and all(ok for _, ok, _ in results)):
        # It crashed or failed outside any test case: count that as a failure of its own.
        results.append((f"{label}{test['name']} (exit status {proc.returncode})", False,
                        (proc.stdout + proc.stderr)[-4000:]))
    print(f"  {label}{test['name']}: {sum(ok for _, ok, _ in results)}/{len(results)} "
          f"in {time.time() - start:.1f} s", file=sys.stderr)
    return results


def run_check(label, test, env):
    start = time.time()
    try:
        proc = subprocess.run(test['cmd'], env=env, capture_output=True, text=True,
                              timeout=test.get('timeout') or 600)
        ok, out = proc.returncode == 0, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        ok, out = False, 'timed out'
    except OSError as e:
        ok, out = False, f'could not run {test["cmd"]}: {e}'
    print(f"  {label}{test['name']}: {'ok' if ok else 'FAILED'} in {time.time() - start:.1f} s"
          + (f" - {out.strip().splitlines()[-1]}" if ok and out.strip() else ''), file=sys.stderr)
    return [(f"{label}{test['name']}", ok, out[-4000:])]


def main():
    results = []
    for spec in sys.argv[1:]:
        # BUILD[:LABEL[:SUITES]] - e.g. build-san:asan:catch2 runs only Catch2 suites there.
        parts = spec.split(':')
        build, label = parts[0], (parts[1] + ' ' if len(parts) > 1 and parts[1] else '')
        suites = set(parts[2].split(',')) if len(parts) > 2 else None
        for test in meson_tests(build):
            if suites and not suites & set(test['suite']):
                continue
            env = dict(os.environ)
            env.update(test.get('env') or {})
            if 'catch2' in test['suite'] or 'junit' in test['suite']:
                results += run_catch2(label, test, env)
            else:
                results += run_check(label, test, env)
    failed = [(n, out) for n, ok, out in results if not ok]
    for name, out in failed:
        print(f"\nFAILED: {name}\n{out}")
    passed = len(results) - len(failed)
    print(f"\n{passed} passed, {len(failed)} failed")
    return 1 if failed or not results else 0


if __name__ == '__main__':
    sys.exit(main())
