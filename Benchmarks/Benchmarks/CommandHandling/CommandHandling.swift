import Benchmark
import BenchmarkSupport
import TandemCore

/// Parse + handle one command (`CommandHandler.handle`) against a state with 100,000 handoffs and 10,000
/// campaigns. The state is built once, before measuring; `handle` is pure, so every iteration sees the same
/// state. Aim: < 100 µs per command.
let bigState = Sample.state(campaigns: 10_000, handoffs: 100_000)
let handler = CommandHandler(team: Sample.team)

/// H-99999 is pending (the ten newest always are); accepted by its assignee, or by the sales lead when it
/// sits in the queue.
let acceptor: Member = {
    switch bigState.handoff(id: "H-99999")?.assignee {
    case "jonas": Sample.jonas
    case "sam": Sample.sam
    default: Sample.priya
    }
}()

let commands: [(text: String, sender: Member)] = [
    ("handoffs mine", Sample.sam),
    ("handoff show H-50000", Sample.sam),
    ("campaign spring", Sample.sam),
    ("handoff accept H-99999", acceptor),
    ("handoffs overdue", Sample.priya),
    ("kampagne frühjahrs webinarreihe", Sample.jonas),
    ("campaign show \(bigState.campaigns[0].id)", Sample.sam),
    ("handoffs campaign \(bigState.campaigns[0].id)", Sample.sam),
]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    for (text, sender) in commands {
        Benchmark(
            "Handle '\(text)' (100k handoffs)",
            closure: { benchmark in
                let context = Sample.context(sender)
                for _ in benchmark.scaledIterations {
                    blackHole(handler.handle(text, state: bigState, context: context))
                }
            },
            setup: {
                precondition(bigState.handoff(id: "H-99999")?.status == .pending, "H-99999 must be pending")
            }
        )
    }

    Benchmark("Parse only 'handoff accept H-99999'") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(handler.parser.parse("handoff accept H-99999"))
        }
    }
}
