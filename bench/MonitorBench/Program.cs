// Costs of the monitor's steady-state work: per GC (remember it, write it) and per interval
// (analyse the trend). Run: dotnet run -c Release --project bench/MonitorBench
// then copy BenchmarkDotNet.Artifacts/results/*-report-brief.json to bench/results/monitor-trend.json.
using BenchmarkDotNet.Running;
using HeapLens.MonitorBench;

BenchmarkSwitcher.FromAssembly(typeof(TrendBenchmarks).Assembly).Run(args);
