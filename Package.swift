// swift-tools-version:6.1
import PackageDescription

// MARK: - Dependencies (bound once)

let argumentParser = Package.Dependency.package(
    url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
let tomlKit = Package.Dependency.package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0")
let mustache = Package.Dependency.package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1")
let grdb = Package.Dependency.package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0")

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

// MARK: - C libraries (system-library targets: module map and shim header only)

let cLibraries: [Target] = [
    .systemLibrary(
        name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
        providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(
        name: "CGMime", path: "Sources/CGMime", pkgConfig: "gmime-3.0",
        providers: [.apt(["libgmime-3.0-dev"])]),
    .systemLibrary(
        name: "CXML2", path: "Sources/CXML2", pkgConfig: "libxml-2.0",
        providers: [.apt(["libxml2-dev"])]),
]

// MARK: - Modules

let modules: [Target] = [
    .target(name: "MailTransport", dependencies: ["CCurl"], swiftSettings: swiftSettings),
    .target(name: "MailParsing", dependencies: ["CGMime", "CXML2"], swiftSettings: swiftSettings),
    .target(name: "HashTables", swiftSettings: swiftSettings),
    .target(
        name: "Triage", dependencies: ["MailParsing", "HashTables"], resources: [.copy("Model")], swiftSettings: swiftSettings),
    .target(
        name: "Courtesy", dependencies: ["HashTables", .product(name: "TOMLKit", package: "TOMLKit")],
        swiftSettings: swiftSettings),
    .target(
        name: "Drafting",
        dependencies: ["MailParsing", "Triage", "Courtesy", .product(name: "Mustache", package: "swift-mustache")],
        swiftSettings: swiftSettings),
    .target(
        name: "Store",
        dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
        swiftSettings: swiftSettings),
    .target(
        name: "Daemon",
        dependencies: ["MailTransport", "MailParsing", "Triage", "Courtesy", "Drafting", "Store", "Configuration"],
        swiftSettings: swiftSettings),
    .target(
        name: "Configuration",
        dependencies: ["MailTransport", "Courtesy", "Drafting", .product(name: "TOMLKit", package: "TOMLKit")],
        swiftSettings: swiftSettings),
    .executableTarget(
        name: "tact",
        dependencies: [
            "MailTransport", "MailParsing", "Triage", "Courtesy", "Configuration", "Drafting", "Store", "Daemon",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        swiftSettings: swiftSettings),
    .target(name: "TactTestSupport", dependencies: ["MailTransport"], swiftSettings: swiftSettings),
    // The demo's throwaway mail servers (scripts/demo); built on the test support, never installed.
    .executableTarget(name: "TactSandbox", dependencies: ["TactTestSupport"], swiftSettings: swiftSettings),
    // The crash-anywhere run (scripts/crash-anywhere): kills `tact run` at random, checks the invariants.
    .executableTarget(name: "TactCrash", dependencies: ["TactTestSupport", "Store"], swiftSettings: swiftSettings),
]

// MARK: - Benchmarks (a dedicated executable; numbers go to BENCHMARKS.md)

let benchmarks: [Target] = [
    .executableTarget(
        name: "TactBench",
        dependencies: [
            "MailTransport", "MailParsing", "Triage", "Courtesy", "Drafting", "Configuration", "Store", "Daemon",
            "TactTestSupport",
        ],
        path: "Benchmarks/TactBench", swiftSettings: swiftSettings)
]

// MARK: - Fuzzing (libFuzzer; run by scripts/fuzz, the mail parser alone also by scripts/fuzz-parser)

let fuzzers: [Target] = [
    .executableTarget(
        name: "ParserFuzz", dependencies: ["MailParsing", "Triage"], path: "Fuzz/ParserFuzz",
        swiftSettings: swiftSettings),
    // The configuration, rule-pack and template loaders and the IMAP response parser.
    .executableTarget(
        name: "TactFuzz", dependencies: ["Configuration", "Courtesy", "Drafting", "MailTransport"], path: "Fuzz/TactFuzz",
        swiftSettings: swiftSettings),
]

// MARK: - Tests (Swift Testing)

let tests: [Target] = [
    .testTarget(
        name: "MailTransportTests", dependencies: ["MailTransport", "TactTestSupport"],
        swiftSettings: swiftSettings),
    .testTarget(
        name: "MailParsingTests", dependencies: ["MailParsing", "TactTestSupport"], resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings),
    .testTarget(name: "TriageTests", dependencies: ["Triage", "HashTables", "MailParsing", "TactTestSupport"], swiftSettings: swiftSettings),
    // Corpus and fuzz regressions are read from the source tree (#filePath), not bundled.
    .testTarget(
        name: "CourtesyTests", dependencies: ["Courtesy", "TactTestSupport"], exclude: ["Corpus", "FuzzRegressions"],
        swiftSettings: swiftSettings),
    .testTarget(name: "DraftingTests", dependencies: ["Drafting", "TactTestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "DaemonTests", dependencies: ["Daemon", "TactTestSupport"], swiftSettings: swiftSettings),
    .testTarget(
        name: "StoreTests",
        dependencies: [
            "Store", "TactTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ],
        swiftSettings: swiftSettings),
    .testTarget(
        name: "ConfigurationTests", dependencies: ["Configuration"], exclude: ["FuzzRegressions"],
        swiftSettings: swiftSettings),
    .testTarget(
        name: "TactCLITests", dependencies: ["TactTestSupport", "Store", "tact"], exclude: ["Fixtures"],
        swiftSettings: swiftSettings),
]

let package = Package(
    name: "Tact",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tact", targets: ["tact"])
    ],
    dependencies: [argumentParser, tomlKit, grdb, mustache],
    targets: cLibraries + modules + benchmarks + fuzzers + tests
)
