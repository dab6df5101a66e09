import Benchmark
import BenchmarkSupport
import Foundation
import TandemCore

/// `NoticePlanner` with 10,000 scheduled meetings (60 % weekly, 40 % monthly, five zones, reminders a day and
/// 15 minutes before): the next notice (the scheduler asks after every change of state) and the notices due
/// in a 1-minute window and in the 15-minute grace window the bot checks when it wakes.
let meetingState = Sample.withMeetings(10_000)
/// The same meetings beside 100,000 handoffs (a few thousand open, whose SLA escalations are notices too).
let fullState = Sample.withMeetings(10_000, base: Sample.state(campaigns: 100, handoffs: 100_000))
let planner = NoticePlanner(team: Sample.team, settings: NoticeSettings())

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    Benchmark(
        "Notice next (10k meetings)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.next(in: meetingState, after: Sample.now))
            }
        },
        setup: { blackHole(meetingState.meetings.count) }
    )

    Benchmark(
        "Notice next (10k meetings, 100k handoffs)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.next(in: fullState, after: Sample.now))
            }
        },
        setup: { blackHole(fullState.meetings.count) }
    )

    Benchmark(
        "Notice due, 1-minute window (10k meetings)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.due(in: meetingState, from: Sample.now, through: Sample.now + 60))
            }
        },
        setup: { blackHole(meetingState.meetings.count) }
    )

    Benchmark(
        "Notice due, 15-minute grace window (10k meetings)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(planner.due(in: meetingState, from: Sample.now - 900, through: Sample.now))
            }
        },
        setup: { blackHole(meetingState.meetings.count) }
    )

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
