#!/usr/bin/env bash
# The speed figure of `heaplens explain` in README: a 100-file project (samples/LogFormatter plus 97
# generated files of LINQ, string.Format and foreach), restored, then `explain -n 10` run three times
# with its CPU (user+sys) and wall time. The load average is printed: on a busy machine report CPU time.
#
#   bench/explain/hundred-files.sh PROFILE.pb.gz    (a profile of samples/LogFormatter from `heaplens allocs`)
set -euo pipefail
profile=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/samples/LogFormatter/*.cs "$work"/
cat > "$work/LogFormatter.csproj" <<'PROJECT'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
</Project>
PROJECT
for i in $(seq 0 96); do
  {
    echo "namespace LogFormatter.Generated;"
    echo "public static class Module$i"
    echo "{"
    for m in $(seq 0 7); do
      cat <<METHOD
    public static string Method$m(int[] values, int limit)
    {
        var picked = values.Where(v => v > limit).Select(v => v * 2).ToList();
        string text = string.Format("{0} {1}", picked.Count, limit);
        foreach (var v in (IEnumerable<int>)picked) text += v;
        return text + limit;
    }
METHOD
    done
    echo "}"
  } > "$work/Module$i.cs"
done
echo "$(ls "$work"/*.cs | wc -l) files in $work"
(cd "$work" && dotnet restore -v q >/dev/null)
dotnet build "$root/src/HeapLens.Cli" -c Release -v q >/dev/null
heaplens="$root/src/HeapLens.Cli/bin/Release/net10.0/heaplens.dll"
uptime
for run in 1 2 3; do
  /usr/bin/time -f "run $run: wall %e s, user %U s, sys %S s" dotnet "$heaplens" explain "$profile" --source "$work/LogFormatter.csproj" -n 10 >/dev/null
done
uptime
