// TactBench: Tact's benchmark executable. Run `swift run -c release TactBench <name> [args]`.
// Each benchmark lives in its own file as a `Benchmark` value and is listed once in `all`;
// it prints its figures, and BENCHMARKS.md records them with the command that produced them.
import Foundation

/// One named benchmark.
struct Benchmark {
    let name: String
    let summary: String
    let run: ([String]) async throws -> Void
}

let all: [Benchmark] = [
    // One line per benchmark, e.g. `imapFetchBenchmark,`.
    classifyBenchmark,
    lintBenchmark,
    parseBenchmark,
    imapFetchBenchmark,
    backlogBenchmark,
    memoryBenchmark,
    stagesBenchmark,
    recordBenchmark,
    cliBenchmark,
    latencyBenchmark,
    idleBenchmark,
    outputsBenchmark,
    targetsBenchmark,
    reloadBenchmark,
    passesBenchmark,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = all.first(where: { $0.name == name }) else {
    print("usage: swift run -c release TactBench <benchmark> [arguments]\n\nbenchmarks:")
    for benchmark in all { print("  \(benchmark.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(benchmark.summary)") }
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    try await benchmark.run(Array(arguments.dropFirst()))
} catch {
    // A clear message and status 1, not a crash report.
    FileHandle.standardError.write(Data("TactBench \(name): \(error)\n".utf8))
    exit(1)
}
