import Benchmark
import BenchmarkSupport
import TandemCore

/// `CampaignSearchIndex.search` over 10,000 generated campaigns (names, tags, segments, offers in English and
/// German). The state is built once, before measuring; each iteration runs one query. Aim: p50 < 1 ms.
let campaignState = Sample.state(campaigns: 10_000, handoffs: 0)

let queries: [(name: String, query: String)] = [
    ("exact word", "webinar"),
    ("prefix", "maint"),  // → maintenance
    ("typo", "maintenanse"),  // one letter off, found by edit distance
    ("typo, transposed", "roadhsow"),
    ("umlaut", "Frühjahrs"),  // folds to "fruehjahrs"
    ("umlaut spelt out", "qualitaetssicherung"),
    ("two words", "security dach"),
    ("two words, one typo", "predictive maintenence"),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    for (name, query) in queries {
        Benchmark(
            "Campaign search 10k: \(name) '\(query)'",
            closure: { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(campaignState.campaignSearch.search(query))
                }
            },
            setup: { blackHole(campaignState.campaigns.count) }
        )
    }
}
