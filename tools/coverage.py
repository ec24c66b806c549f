#!/usr/bin/env python3
"""Line and branch coverage of the kernel (core/ capabilities/ ipc/) under the tests.

    python3 tools/coverage.py [--kernel-tests] [--campaign-only]

(`./eros coverage` runs this.) Configures build-cov/ (tools/coverage-g++, -Db_coverage=true,
-O0), builds the two test executables, deletes every .gcda file, runs
tests/differential/differential_tests -- every test case, all fixed-seed: what `./eros test`
runs; with --campaign-only only the fixed-seed [campaign] cases, the generator's reach alone -- and
with --kernel-tests tests/kernel_tests too, then reads the counters, filtered to core/,
capabilities/ and ipc/ (headers included: most of the fast path is inline).

Prints, and writes to build-cov/coverage.txt and build-cov/coverage.json: line and branch
coverage per file and in total, every line not reached and every branch not taken (file,
line, the source line). gcovr's own reports are beside them (build-cov/coverage-gcovr*).

Lines are gcovr's. Branches are gcov's, one set per function: an inline function is
compiled in every object file that calls it and linked once, so one copy holds its counts
and the others zeros, but the copies' branches differ (the test objects, compiled with
exceptions, add for each call a return arc and an exception arc, which the kernel's own
-fno-exceptions objects lack), and gcovr, adding copies up by position, turns the extra
arcs into branches never taken. Here each copy drops its call-return/exception arc pairs
(no source branch; the kernel never throws), the copies of a function must then agree,
and their counts are added. gcovr's raw figure, and with --exclude-throw-branches (which
drops only the exception arc), are printed beside it.

Exit status: 0 when the report was written (whatever the figures), 1 when a tool, the
build or a test run failed, 2 for a bad argument.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.path.join(TOP, 'build-cov')
KERNEL_DIRS = ('core/', 'capabilities/', 'ipc/')
# Both executables are always built, so the same object files (and so the same lines and
# branches) are counted whether kernel_tests runs or not.
TARGETS = ['tests/differential/differential_tests', 'tests/kernel_tests']
# Only object files of these directories are read: the sim library (core/ and ipc/ are
# compiled into it) and the tests. Other targets built in build-cov by hand do not count.
SEARCH = ['sim', 'tests']


class Failure(Exception):
    pass


def say(msg):
    print(f'\033[1m==> {msg}\033[0m', file=sys.stderr, flush=True)


def run(cmd, **kw):
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    except FileNotFoundError:
        raise Failure(f'{cmd[0]}: not found')
    except subprocess.CalledProcessError as e:
        raise Failure(f'{" ".join(cmd)} failed (status {e.returncode}):\n'
                      f'{(e.stdout + e.stderr).strip()[-3000:]}')


def find_tools():
    for t in ('g++', 'gcovr', 'meson', 'ninja'):
        if shutil.which(t) is None:
            raise Failure(f'{t} not found (./eros coverage installs it: apt-get install '
                          f'{"gcovr" if t == "gcovr" else t})')
    major = run(['g++', '-dumpversion']).stdout.strip().split('.')[0]
    # gcov must be the one of the compiler that wrote the .gcno files.
    gcov = shutil.which(f'gcov-{major}') or shutil.which('gcov')
    if gcov is None:
        raise Failure(f'gcov-{major} not found')
    return gcov


def configure():
    cxx = os.path.join(TOP, 'tools', 'coverage-g++')
    if not os.path.exists(os.path.join(BUILD, 'build.ninja')):
        say('configuring build-cov (tools/coverage-g++, -Db_coverage=true, buildtype debug)')
        # debug (-O0), not debugoptimized: gcc instruments after its early optimizations,
        # which at -O1 and above fold, thread and merge conditions (an `a && b` can lose a
        # branch, a line its count) before the counters go in, so the branches no longer
        # match the source's conditions. At -O0 each condition is a branch where it is
        # written. (-O0 adds one pair where a condition negates a call, `!exists(d) || x`:
        # gcc tests the materialized value again; that pair is taken exactly when the
        # conditions it joins are, so it hides nothing.) -O0 still inlines always_inline
        # functions: tools/coverage-g++ keeps the fast path out of line.
        env = dict(os.environ, CXX=cxx, CC='gcc')
        run(['meson', 'setup', BUILD, '--buildtype=debug', '-Db_coverage=true'], cwd=TOP, env=env)
    opts = {o['name']: o['value'] for o in
            json.loads(run(['meson', 'introspect', '--buildoptions', BUILD]).stdout)}
    targets = json.loads(run(['meson', 'introspect', '--targets', BUILD]).stdout)
    used = next(src['compiler'] for t in targets for src in t['target_sources']
                if src.get('language') == 'cpp')
    if os.path.realpath(used[0]) != os.path.realpath(cxx):
        raise Failure(f'build-cov was configured with {" ".join(used)}, not tools/coverage-g++: '
                      'remove build-cov and run again')
    if opts.get('b_coverage') is not True or opts.get('buildtype') != 'debug':
        say('build-cov: setting -Db_coverage=true --buildtype=debug')
        run(['meson', 'configure', BUILD, '-Db_coverage=true', '--buildtype=debug'])


def build():
    say('building ' + ' '.join(TARGETS) + ' in build-cov/')
    # -j2: the machine's two cores are shared with other builds.
    run(['ninja', '-C', BUILD, '-j2'] + TARGETS)


def reset_counters():
    n = 0
    for root, _, files in os.walk(BUILD):
        for f in files:
            if f.endswith('.gcda'):
                os.unlink(os.path.join(root, f))
                n += 1
    return n


def meson_test(name):
    tests = json.loads(run(['meson', 'introspect', '--tests', BUILD]).stdout)
    for t in tests:
        if t['name'] == name:
            return t
    raise Failure(f'no meson test named {name!r} in build-cov')


def run_tests(names, spec):
    runs = []
    log = open(os.path.join(BUILD, 'coverage-tests.log'), 'w')
    for name in names:
        t = meson_test(name)
        # --order decl: the declared order, as by default. The fresh-seed campaign is left
        # out ([fresh]: a new seed each run): every other case's seed is fixed in its source,
        # so the counts are the same on every run.
        args = ([spec + '~[fresh]'] if name == 'differential' else []) + ['--order', 'decl']
        cmd = t['cmd'] + args
        # Catch2 v2's listing exits with the number of cases listed.
        listing = subprocess.run(t['cmd'] + args + ['--list-test-names-only'], cwd=TOP,
                                 capture_output=True, text=True)
        cases = listing.stdout.split('\n')
        cases = [c for c in cases if c.strip()]
        if not cases:
            raise Failure(f'{name}: no test case matches {" ".join(args)}')
        shown = ' '.join(os.path.relpath(c, TOP) if os.path.isabs(c) else
                         (f'"{c}"' if ' ' in c or '*' in c else c) for c in cmd)
        say(f'running {shown} ({len(cases)} test cases)')
        env = dict(os.environ)
        env.update(t.get('env') or {})
        start = time.time()
        p = subprocess.run(cmd, cwd=TOP, env=env, stdout=log, stderr=subprocess.STDOUT)
        secs = time.time() - start
        runs.append({'test': name, 'command': shown, 'status': p.returncode,
                     'seconds': round(secs, 1), 'test_cases': cases})
        if p.returncode != 0:
            raise Failure(f'{shown} failed (status {p.returncode}): see build-cov/coverage-tests.log')
    return runs


def gcovr(gcov):
    """gcovr's merged JSON (lines and raw branches) and its summaries, raw and without
    exception arcs."""
    base = ['gcovr', '--root', TOP, '--gcov-executable', gcov, '--object-directory', BUILD,
            '-j', '2'] + sum((['--filter', d] for d in KERNEL_DIRS), [])
    search = [os.path.join(BUILD, s) for s in SEARCH]
    out = {k: os.path.join(BUILD, f'coverage-gcovr{k}') for k in
           ('.json', '.txt', '-summary.json', '-nothrow-summary.json')}
    # Relative --filter paths are relative to the working directory.
    run(base + ['--json', out['.json'], '--txt', out['.txt'], '--json-summary-pretty',
                '--json-summary', out['-summary.json']] + search, cwd=TOP)
    run(base + ['--exclude-throw-branches', '--json-summary-pretty',
                '--json-summary', out['-nothrow-summary.json']] + search, cwd=TOP)
    return (json.load(open(out['.json'])), json.load(open(out['-summary.json'])),
            json.load(open(out['-nothrow-summary.json'])))


def kernel_file(path):
    rel = os.path.relpath(os.path.normpath(path), TOP)
    return rel if rel.startswith(KERNEL_DIRS) else None


def without_call_arcs(branches):
    """One copy's branches of a line without its call-return/exception arc pairs, and how
    many pairs went. gcov lists a block's arcs together; a call that may throw ends its
    block with two, the return (fallthrough) and then the exception arc."""
    out, pairs = [], 0
    for br in branches:
        if br['throw']:
            if not out or out[-1]['throw'] or not out[-1]['fallthrough']:
                return None, 0   # not the usual shape: keep the copy whole, flag it
            out.pop()
            pairs += 1
        else:
            out.append(br)
    return out, pairs


def gcov_branches(gcov):
    """{(file, line): [{'count', 'fallthrough'}]}: every function's copies merged, as the
    module docstring says; the lines whose copies disagree; the pairs dropped."""
    notes = []
    for sub in SEARCH:
        for root, _, files in os.walk(os.path.join(BUILD, sub)):
            notes += [os.path.join(root, f) for f in files if f.endswith('.gcno')]
    # gcov prints one JSON document per object file; object files with no .gcda (not
    # run) count too, as gcovr reads them (their functions' lines are code, never run).
    p = subprocess.run([gcov, '--json-format', '--stdout', '--branch-probabilities'] +
                       sorted(notes), cwd=BUILD, capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f'{gcov} --json-format failed (status {p.returncode}):\n{p.stderr[-3000:]}')
    copies = {}   # (file, line) -> function -> [branch list per object file]
    for doc in p.stdout.splitlines():
        if not doc.strip():
            continue
        d = json.loads(doc)
        cwd = d.get('current_working_directory', BUILD)
        for f in d['files']:
            rel = kernel_file(os.path.join(cwd, f['file']))
            if rel is None:
                continue
            for ln in f['lines']:
                if ln['branches']:
                    fn = copies.setdefault((rel, ln['line_number']), {})
                    fn.setdefault(ln.get('function_name', ''), []).append(ln['branches'])
    merged, disagree, dropped = {}, [], 0
    for key, functions in sorted(copies.items()):
        line = []
        for name in sorted(functions):
            cleaned = []
            for brs in functions[name]:
                c, pairs = without_call_arcs(brs)
                cleaned.append(c if c is not None else brs)
                dropped += pairs
            shapes = {tuple(b['fallthrough'] for b in c) for c in cleaned}
            if len(shapes) > 1:
                disagree.append(f'{key[0]}:{key[1]}')
            out = [{'count': 0, 'fallthrough': False} for _ in range(max(map(len, cleaned)))]
            for c in cleaned:   # by position, as gcovr does, when they disagree
                for i, b in enumerate(c):
                    out[i]['count'] += b['count']
                    out[i]['fallthrough'] |= b['fallthrough']
            line += out
        merged[key] = line
    return merged, disagree, dropped


def pct(c, t):
    return round(100.0 * c / t, 1) if t else 100.0


def figure(covered, total):
    return {'covered': covered, 'total': total, 'percent': pct(covered, total)}


def report(raw, summary, nothrow, branches, disagree, dropped, runs, argv, seconds):
    files, unreached, untaken = [], [], []
    tot = {'lines': [0, 0], 'branches': [0, 0]}
    for f in sorted(raw['files'], key=lambda f: f['file']):
        rel = kernel_file(os.path.join(TOP, f['file']))
        if rel is None:
            continue
        src = open(os.path.join(TOP, rel), errors='replace').read().split('\n')
        c = {'lines': [0, 0], 'branches': [0, 0]}
        for ln in sorted(f['lines'], key=lambda l: l['line_number']):
            if ln.get('gcovr/noncode') or ln.get('gcovr/excluded'):
                continue
            no, count = ln['line_number'], ln['count']
            text = src[no - 1].strip() if no <= len(src) else ''
            c['lines'][1] += 1
            if count > 0:
                c['lines'][0] += 1
            else:
                unreached.append({'file': rel, 'line': no, 'source': text})
            brs = branches.get((rel, no), [])
            c['branches'][1] += len(brs)
            c['branches'][0] += sum(1 for br in brs if br['count'] > 0)
            for i, br in enumerate(brs):
                if br['count'] == 0:
                    untaken.append({'file': rel, 'line': no, 'branch': i, 'of': len(brs),
                                    'fallthrough': br['fallthrough'], 'line_count': count,
                                    'counts': [x['count'] for x in brs], 'source': text})
        for k in tot:
            tot[k][0] += c[k][0]
            tot[k][1] += c[k][1]
        files.append({'file': rel, 'lines': figure(*c['lines']), 'branches': figure(*c['branches'])})
    if (summary.get('line_covered'), summary.get('line_total')) != tuple(tot['lines']):
        raise Failure(f'gcovr\'s summary ({summary.get("line_covered")}/'
                      f'{summary.get("line_total")} lines) disagrees with its JSON {tot["lines"]}')
    g_raw = figure(summary['branch_covered'], summary['branch_total'])
    g_nothrow = figure(nothrow['branch_covered'], nothrow['branch_total'])

    out = []
    w = out.append
    w('Kernel coverage: core/ capabilities/ ipc/ (headers included); build-cov/: g++ -O0 '
      '--coverage, the fast path out of line (tools/coverage-g++)')
    for r in runs:
        w(f'  ran: {r["command"]}  ({len(r["test_cases"])} test cases, {r["seconds"]} s)')
    w('')
    w(f'{"file":<24} {"lines":>16} {"branches":>16}')

    def row(name, lc, lt, bc, bt):
        w(f'{name:<24} {f"{lc}/{lt}":>9} {pct(lc, lt):>5.1f}% {f"{bc}/{bt}":>9} {pct(bc, bt):>5.1f}%')
    for f in files:
        row(f['file'], f['lines']['covered'], f['lines']['total'], f['branches']['covered'],
            f['branches']['total'])
    row('TOTAL', *tot['lines'], *tot['branches'])
    w(f'  (gcovr\'s own branch figure: {g_raw["percent"]}% ({g_raw["covered"]}/{g_raw["total"]}) '
      f'raw, {g_nothrow["percent"]}% ({g_nothrow["covered"]}/{g_nothrow["total"]}) with '
      f'--exclude-throw-branches; {dropped} call-return/exception arc pairs dropped here)')
    w('')
    w(f'Lines not reached ({len(unreached)}):')
    for u in unreached:
        w(f'  {u["file"]}:{u["line"]}: {u["source"]}')
    w('')
    w(f'Branches not taken ({len(untaken)}): branch i of the line\'s n in gcov\'s order '
      '("ft": the fallthrough arc), then the line\'s count and every branch\'s count')
    for u in untaken:
        ft = ' ft' if u['fallthrough'] else ''
        w(f'  {u["file"]}:{u["line"]}: branch {u["branch"]}/{u["of"]}{ft} (line '
          f'{u["line_count"]}x; {" ".join(map(str, u["counts"]))}): {u["source"]}')
    if disagree:
        w('')
        w('Lines whose copies still disagree (merged by position, as gcovr does): ' +
          ' '.join(disagree))
    w('')
    w(f'lines: {pct(*tot["lines"])}% ({tot["lines"][0]} of {tot["lines"][1]}), '
      f'branches: {pct(*tot["branches"])}% ({tot["branches"][0]} of {tot["branches"][1]})')
    w(f'coverage run: configure and build {seconds["build"]:.0f} s, tests {seconds["tests"]:.0f} s, '
      f'reading the counters {seconds["report"]:.0f} s')
    text = '\n'.join(out) + '\n'
    with open(os.path.join(BUILD, 'coverage.txt'), 'w') as fh:
        fh.write(text)
    doc = {'command': argv, 'runs': runs, 'seconds': seconds,
           'totals': {'lines': figure(*tot['lines']), 'branches': figure(*tot['branches']),
                      'gcovr_branches_raw': g_raw, 'gcovr_branches_exclude_throw': g_nothrow},
           'files': files, 'unreached_lines': unreached, 'untaken_branches': untaken,
           'lines_whose_copies_disagree': disagree, 'call_arc_pairs_dropped': dropped}
    with open(os.path.join(BUILD, 'coverage.json'), 'w') as fh:
        json.dump(doc, fh, indent=1)
        fh.write('\n')
    return text


def main():
    ap = argparse.ArgumentParser(
        prog='eros coverage', description='Kernel line and branch coverage under the tests.')
    ap.add_argument('--kernel-tests', action='store_true',
                    help='run tests/kernel_tests too (after the differential tests)')
    ap.add_argument('--campaign-only', action='store_true',
                    help="of the differential tests, run only the fixed-seed [campaign] cases")
    args = ap.parse_args()
    t0 = time.time()
    try:
        gcov = find_tools()
        configure()
        build()
        t1 = time.time()
        reset_counters()
        names = ['differential'] + (['kernel'] if args.kernel_tests else [])
        runs = run_tests(names, '[campaign]' if args.campaign_only else '')
        t2 = time.time()
        say('reading the counters (gcovr, gcov --json-format)')
        raw, summary, nothrow = gcovr(gcov)
        branches, disagree, dropped = gcov_branches(gcov)
        seconds = {'build': round(t1 - t0, 1), 'tests': round(t2 - t1, 1),
                   'report': round(time.time() - t2, 1)}
        text = report(raw, summary, nothrow, branches, disagree, dropped, runs,
                      ['./eros', 'coverage'] + sys.argv[1:], seconds)
    except Failure as e:
        print(f'eros coverage: {e}', file=sys.stderr)
        return 1
    sys.stdout.write(text)
    say('written: build-cov/coverage.txt, build-cov/coverage.json (gcovr\'s own: '
        'build-cov/coverage-gcovr.{json,txt}, build-cov/coverage-gcovr-summary.json)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
