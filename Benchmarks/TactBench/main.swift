// tact-bench: the benchmark executable. Each benchmark prints its figures; BENCHMARKS.md
// records them with the command that produced them.
print("usage: swift run -c release TactBench <benchmark>")
