#!/usr/bin/env python3
"""Mutation score per folder from a Stryker mutation-report.json (mutation-testing-report-schema).

Score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's own definition;
compile errors and ignored mutants are not mutants of the program and are left out. Lists every
survivor so each can be killed by a test or argued equivalent."""
import json, os, sys
from collections import defaultdict

report = json.load(open(sys.argv[1]))
detected = ("Killed", "Timeout")
counted = detected + ("Survived", "NoCoverage")
folders = defaultdict(lambda: defaultdict(int))
survivors = []
for path, entry in sorted(report["files"].items()):
    # The first folder under src/HeapLens (Analysis, Formats, ...): the stages of DESIGN.md.
    relative = path.split("src/HeapLens/", 1)[-1]
    folder = relative.split("/", 1)[0] if "/" in relative else "."
    for mutant in entry["mutants"]:
        status = mutant["status"]
        folders[folder][status] += 1
        folders["(all)"][status] += 1
        if status in ("Survived", "NoCoverage"):
            line = mutant["location"]["start"]["line"]
            survivors.append(f"{status:10} {os.path.relpath(path)}:{line} {mutant['mutatorName']}: {mutant.get('replacement', '')[:80]!r}")

print(f"{'folder':14} {'score':>6} {'killed':>7} {'timeout':>7} {'survived':>8} {'nocov':>6}")
for folder, counts in sorted(folders.items(), key=lambda kv: kv[0] == "(all)"):
    total = sum(counts[s] for s in counted)
    if total == 0:
        continue  # a file outside the slice: all its mutants were ignored
    score = 100.0 * sum(counts[s] for s in detected) / total if total else 0.0
    print(f"{folder:14} {score:5.1f}% {counts['Killed']:7} {counts['Timeout']:7} {counts['Survived']:8} {counts['NoCoverage']:6}")
print()
print(f"{len(survivors)} mutants not detected:")
for s in survivors:
    print("  " + s)
