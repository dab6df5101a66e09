// swift-tools-version:6.1
// The benchmarks are a package of their own so that `swift test` at the root never builds them (nor the
// benchmark package and its malloc interposer). Run from the repository root:
//   swift package --package-path Benchmarks benchmark
import PackageDescription

let benchmarkPlugin: [Target.PluginUsage] = [.plugin(name: "BenchmarkPlugin", package: "benchmark")]

let package = Package(
    name: "TandemBenchmarks",
    dependencies: [
        .package(name: "Tandem", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "TandemCore", package: "Tandem"),
                .product(name: "TandemStore", package: "Tandem"),
            ]
        ),
        // A plain loop over one scenario, for callgrind and perf (see its main.swift).
        .executableTarget(name: "tandem-profile", dependencies: ["BenchmarkSupport"]),
        // The compiled driver of Scripts/bench.py (`--driver compiled`): depends on nothing of Tandem's.
        .executableTarget(name: "tandem-load"),
        .executableTarget(
            name: "CampaignSearch",
            dependencies: ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/CampaignSearch", plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "CommandHandling",
            dependencies: ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/CommandHandling", plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "Store",
            dependencies: ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Store", plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "Notices",
            dependencies: ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Notices", plugins: benchmarkPlugin
        ),
    ]
)
