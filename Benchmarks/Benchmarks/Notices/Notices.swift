import Benchmark
import BenchmarkSupport
import Foundation
import TandemCore

/// `NoticePlanner` with 10,000 scheduled meetings (60 % weekly, 40 % monthly, five zones, reminders a day and
/// 15 minutes before): the next notice (the scheduler asks after every change of state) and the notices due
/// in a 1-minute window and in the 15-minute grace window the bot checks when it wakes.
///
/// "warm": one planner for the whole run, asked at a time one second later each iteration, as the bot's
/// scheduler does (the planner keeps a timeline of the reminders of the coming day).
/// "cold": a new planner each iteration: the first question after start-up, or after a schedule changed.
let meetingState = Sample.withMeetings(10_000)
/// The same meetings beside 100,000 handoffs (a few thousand open, whose SLA escalations are notices too).
let fullState = Sample.withMeetings(10_000, base: Sample.state(campaigns: 100, handoffs: 100_000))
let planner = NoticePlanner(team: Sample.team, settings: NoticeSettings())

func freshPlanner() -> NoticePlanner { NoticePlanner(team: Sample.team, settings: NoticeSettings()) }

/// The scheduler's clock: one second later at each question.
final class Clock: @unchecked Sendable {
    var now = Sample.now
    func tick() -> Date {
        now += 1
        return now
    }
}
let clock = Clock()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    Benchmark("Notice next, warm (10k meetings)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(planner.next(in: meetingState, after: clock.tick()))
        }
    }

    Benchmark("Notice next, warm (10k meetings, 100k handoffs)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(planner.next(in: fullState, after: clock.tick()))
        }
    }

    Benchmark("Notice next, cold (10k meetings)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(freshPlanner().next(in: meetingState, after: clock.tick()))
        }
    }

    Benchmark("Notice due, 1-minute window, warm (10k meetings)") { benchmark in
        for _ in benchmark.scaledIterations {
            let now = clock.tick()
            blackHole(planner.due(in: meetingState, from: now, through: now + 60))
        }
    }

    Benchmark("Notice due, 15-minute grace window, warm (10k meetings)") { benchmark in
        for _ in benchmark.scaledIterations {
            let now = clock.tick()
            blackHole(planner.due(in: meetingState, from: now - 900, through: now))
        }
    }

    Benchmark("Notice due, 1-minute window, cold (10k meetings)") { benchmark in
        for _ in benchmark.scaledIterations {
            let now = clock.tick()
            blackHole(freshPlanner().due(in: meetingState, from: now, through: now + 60))
        }
    }

    Benchmark(
        "Build state of 10k meetings (memory)",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal], timeUnits: .milliseconds,
            maxDuration: .seconds(10), maxIterations: 5),
        closure: { benchmark in
            blackHole(Sample.withMeetings(10_000))
        }
    )
}
