#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the code whose tests are fast: analysis, profiles, formats,
# monitoring and timelines. Not part of CI: a full run takes hours on 2 cores.
#   bench/mutation/run.sh                          # every folder in stryker-config.json
#   bench/mutation/run.sh '**/Monitoring/**/*.cs'  # one slice
#   bench/mutation/run.sh --concurrency 1 --name profiles-3 GLOB...
#     --concurrency N  test runners at once (default: the config's 2); 1 leaves a core to others
#     --name NAME      the results folder (default: named after the last glob)
#     --log-to-file    Stryker's trace log (every mutant and its test run) in the output folder:
#                      what is left of a run stopped before its report
#     --exclude NAME   leave these tests out too (a class or test name; repeatable): a slice whose
#                      mutants all share their tests runs one mutant per test run, and a run that
#                      goes through the command-line tests costs ~20 s; say which in the results
#     --tests NAME     run only these tests (a namespace, class or test name; repeatable), still
#                      without the config's left-out ones: the exact tests of one folder, when the
#                      whole filter would make each of its mutants a 30 s run
# The JSON report and the score per folder land in bench/results/mutation/<slice>/.
# The config's test filter leaves out the classes that run a live target process, and two heavy ones: the 2 GB section
# test (25 s) and the readers' random fuzz (14 s) cover every .heapsnap mutant, so each of those took
# ~1 min; the exact tests of the readers are what the score should measure.
set -euo pipefail
cd "$(dirname "$0")/../.."
slice=all
args=()
excludes=()
includes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --concurrency) args+=(--concurrency "$2"); shift 2 ;;
    --name) name=$2; shift 2 ;;
    --log-to-file) args+=(--log-to-file); shift ;;
    --exclude) excludes+=("$2"); shift 2 ;;
    --tests) includes+=("$2"); shift 2 ;;
    *)  # several globs: the report is named after the last
      args+=(--mutate "$1")
      slice=$(echo "$1" | sed -E 's#\*\*/##g; s#/?\*+(\.cs)?##g; s#[^A-Za-z0-9]+#-#g; s#^-|-$##g')
      shift ;;
  esac
done
slice=${name:-$slice}
dotnet tool restore >/dev/null
# Stryker finds the SDK through Buildalyzer, which gives `dotnet --info` 10 s and then fails with
# "Could not find build environment": on a loaded machine (load 20+) that call takes longer.
export DOTNET_INFO_WAIT_TIME=${DOTNET_INFO_WAIT_TIME:-300000}  # ms
# Stryker reads the projects through their restore output: a fresh clone must build once first.
dotnet build tests/HeapLens.Tests -c Release >/dev/null
out=$(mktemp -d)
echo "Stryker output: $out"
config=bench/mutation/stryker-config.json
if [ ${#excludes[@]} -gt 0 ] || [ ${#includes[@]} -gt 0 ]; then  # a copy of the config with that test filter
  config=bench/mutation/stryker-config.run-$$.json  # beside the original: the same relative paths
  trap 'rm -f "$config"' EXIT
  python3 - bench/mutation/stryker-config.json "$config" "${#includes[@]}" "${includes[@]}" "${excludes[@]}" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
count = int(sys.argv[3])
includes, excludes = sys.argv[4:4 + count], sys.argv[4 + count:]
settings = config["stryker-config"]
included, separator, left_out = settings["test-case-filter"].partition(")&")  # "(A|B...)&!C&!D..."
if includes:
    included = "(" + "|".join(f"FullyQualifiedName~{name}" for name in includes)
settings["test-case-filter"] = included + separator + left_out + "".join(f"&FullyQualifiedName!~{name}" for name in excludes)
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
  [ ${#includes[@]} -eq 0 ] || echo "only: ${includes[*]}"
  [ ${#excludes[@]} -eq 0 ] || echo "left out too: ${excludes[*]}"
fi
(cd src/HeapLens && dotnet stryker --config-file ../../"$config" --output "$out" "${args[@]}")
dest=bench/results/mutation/$slice
mkdir -p "$dest"
if [ ${#excludes[@]} -gt 0 ]; then printf '%s\n' "${excludes[@]}" > "$dest"/left-out-tests.txt; fi
if [ ${#includes[@]} -gt 0 ]; then printf '%s\n' "${includes[@]}" > "$dest"/only-tests.txt; fi
cp "$out"/reports/mutation-report.json "$dest"/  # the HTML report stays in $out (2 MB a slice)
echo "HTML report: $out/reports/mutation-report.html"
python3 bench/mutation/score.py "$dest"/mutation-report.json | tee "$dest"/score.txt
