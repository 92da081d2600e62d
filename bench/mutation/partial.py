#!/usr/bin/env python3
"""What a Stryker run stopped before its report found, from its trace logs (run.sh --log-to-file).

  bench/mutation/partial.py STRYKER_OUTPUT_DIR [--finished] [-v]   (-v: the timed-out mutants too)

Stryker writes its JSON report only at the end; on 2 cores a slice can take longer than the time
there is. With --log-to-file, each test run leaves a vstest host log holding the mutants it
tested with the ids of their tests (the data collector's configuration), the tests' names, and the
tests that failed. A mutant is killed when one of its tests failed, survived when its run ended
with all of them passed. Approximations, stated in the output: a theory's cases share one name, so
a failing case counts for all its cases (a mutant may be counted killed that a case let survive);
a run Stryker aborted at its timeout counts its undecided mutants as timed out (detected), until a
later run (Stryker retries the others) decides them. The newest run is left out unless --finished (it
may still be going).
Mutant ids map to files through the "Mutating"/"Mutant N created" lines of Stryker's own log; a
line number is where the mutated text first occurs in the file (for a block, often not its line)."""
import glob, os, re, sys
from collections import defaultdict

out_dir = sys.argv[1]
finished = "--finished" in sys.argv[2:]
logs = os.path.join(out_dir, "logs")
RECORD = re.compile(r"\n(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00  \[)")

mutants = {}  # id -> (path, mutator, original, replacement)
no_coverage = []
to_test = no_coverage_count = "?"
path = None
for log in sorted(glob.glob(os.path.join(logs, "log-*.txt"))):
    for record in RECORD.split(open(log, encoding="utf-8", errors="replace").read()):
        if m := re.search(r'\[DBG\] Mutating "([^"]+)"', record):
            path = m.group(1)
        elif m := re.search(r'\[DBG\] Mutant (\d+) created "(.*)" -> "(.*)" using "([^"]+)"', record, re.S):
            mutants[int(m.group(1))] = (path, m.group(4).rsplit(".", 1)[-1], m.group(2), m.group(3))
        elif m := re.search(r"Mutant (\d+) is not covered by any test", record):
            no_coverage.append(int(m.group(1)))
        elif m := re.search(r"(\d+)\s+total mutants will be tested", record):
            to_test = int(m.group(1))
        elif m := re.search(r"(\d+)\s+mutants got status NoCoverage", record):
            no_coverage_count = int(m.group(1))

status = {}
runs = sorted(glob.glob(os.path.join(logs, "Runner *-log.host.*")), key=os.path.getmtime)
if not finished:
    runs = runs[:-1]
for run in runs:
    text = open(run, encoding="utf-8", errors="replace").read()
    tested = re.findall(r'<Mutant id=\\"(\d+)\\" tests=\\"([^"\\]*)\\"', text)
    if not tested or ("StartWithTests" not in text and "StartWithSources" not in text):
        continue  # the initial test run or the coverage capture
    # A mutant no test's coverage claims (tests="": static initializers, constants) runs with every
    # test (StartWithSources): any failure kills it.
    every_test = "StartWithTests" not in text
    names = dict(re.findall(r'"Id":"([0-9a-f-]{36})","FullyQualifiedName":"([^"]+)"', text))
    failed = {name.split("(")[0] for name in re.findall(r"\]\s+(\S.*?) \[FAIL\]", text)}
    # Stryker aborts a run at its timeout, then runs the mutants still undecided again without the
    # slow one: a later run's verdict replaces this one's.
    ended = "TestExecution.Abort" not in text
    for mutant, tests in tested:
        ids = [t for t in tests.split(",") if t]
        killed = bool(failed) if every_test else any(names.get(t) in failed for t in ids)
        status[int(mutant)] = "Killed" if killed else "Survived" if ended else "Timeout"
# Stryker logs every uncovered mutant, the slice's and the rest; a file is in the slice when one of
# its mutants was tested (a slice file with no tested mutant at all would be missed: the count below
# is checked against Stryker's own).
in_slice = {mutants[m][0] for m in status if m in mutants}
uncovered = [m for m in no_coverage if m in mutants and mutants[m][0] in in_slice]
for mutant in uncovered:
    status[mutant] = "NoCoverage"


def folder_of(p):
    relative = p.split("src/HeapLens/", 1)[-1]
    return relative.split("/", 1)[0] if "/" in relative else "."


def line_of(p, original):
    try:
        source = open(p, encoding="utf-8").read()
    except OSError:
        return "?"
    fragment = original.replace('\\"', '"').strip().split("\n")[0].strip()[:60]
    at = source.find(fragment)
    return source.count("\n", 0, at) + 1 if at >= 0 else "?"


folders = defaultdict(lambda: defaultdict(int))
undetected = []
for mutant, st in sorted(status.items()):
    p, mutator, original, replacement = mutants.get(mutant, ("?", "?", "", ""))
    folders[folder_of(p)][st] += 1
    folders["(all)"][st] += 1
    if st in ("Survived", "NoCoverage") or (st == "Timeout" and "-v" in sys.argv):
        rel = "src/HeapLens/" + p.split("src/HeapLens/", 1)[-1]
        undetected.append(f"{st:10} {rel}:{line_of(p, original)} #{mutant} {mutator}: {replacement.replace(chr(10), ' ')[:80]!r}")

tested_count = sum(1 for s in status.values() if s != "NoCoverage")
print(f"PARTIAL: {tested_count} of {to_test} mutants tested, from {len(runs)} test runs' logs"
      f"{'' if finished else ' (the newest run left out)'}; a theory's cases share a name")
if len(uncovered) != no_coverage_count:
    print(f"(Stryker counted {no_coverage_count} uncovered mutants in the slice, this list {len(uncovered)})")
print(f"{'folder':14} {'score':>6} {'killed':>7} {'timeout':>7} {'survived':>8} {'nocov':>6}")
for folder, counts in sorted(folders.items(), key=lambda kv: kv[0] == "(all)"):
    total = sum(counts.values())
    score = 100.0 * (counts["Killed"] + counts["Timeout"]) / total
    print(f"{folder:14} {score:5.1f}% {counts['Killed']:7} {counts['Timeout']:7} {counts['Survived']:8} {counts['NoCoverage']:6}")
print()
print(f"{len(undetected)} mutants not detected so far:")
for line in undetected:
    print("  " + line)
