import Foundation
import TandemCore
import TandemStore

/// Journal records as the bot writes them: the outcome of a handled command (events + replies in the outbox +
/// the chat cursor), or a confirmation that a reply went out.
public enum Records {
    /// The record `BotLoop.handle` writes for one message.
    public static func record(for outcome: Outcome, message: Int, channel: String = "sales") -> JournalRecord {
        JournalRecord(
            events: outcome.events,
            outbox: outcome.replies.enumerated().map { n, reply in
                OutboxEntry(key: "reply:m-\(message):\(n)", channel: reply.channel ?? channel, body: reply.body)
            },
            cursor: "c-\(message)")
    }

    /// A new lead handed off by Mia, as typed in chat.
    public static func handoffCommand(_ n: Int, campaign: String?) -> String {
        "handoff \"Anna Schmidt \(n)\" to @sam company=\"Kessler GmbH\" email=anna\(n)@example.com"
            + (campaign.map { " campaign=\($0)" } ?? "") + " priority=hot consent=yes \"asked for a demo\""
    }
}

/// A state folder on disk like a long-running Tandem leaves it: a snapshot of 10,000 campaigns and 99,500
/// handoffs, and a journal of 1,000 records on top (500 new handoffs, 400 accepts and rejects, 100 sent
/// confirmations), so loading replays a real journal to 100,000 handoffs.
///
/// Built once and kept in the temp dir (it takes a while): the load benchmark then measures a process that
/// never held the state in memory.
public enum StoreFixture {
    public static let version = 4  // 4: snapshots one record per line
    public static let handoffs = 100_000
    public static let campaigns = 10_000
    public static let journalRecords = 1_000

    public static var path: String {
        let base = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        return (base as NSString).appendingPathComponent("tandem-bench-fixture-v\(version)")
    }

    static var readyMarker: String { path + "/ready" }

    public static var isReady: Bool { FileManager.default.fileExists(atPath: readyMarker) }

    /// Builds the folder unless it is there already; returns the final state when it built it.
    @discardableResult
    public static func prepare() async throws -> StoredState? {
        if isReady { return nil }
        TempFolder.remove(path)
        let handler = CommandHandler(team: Sample.team)
        let snapshotHandoffs = handoffs - journalRecords / 2
        var state = StoredState(team: Sample.state(campaigns: campaigns, handoffs: snapshotHandoffs))
        do {
            let folder = try StateFolder(path: path)
            let store = JournalStore(folder: folder)
            _ = try await store.load()
            try await store.append(JournalRecord(cursor: "0"))  // compaction skips an empty journal
            try await store.compact(state)
            var message = 0
            for n in 0..<journalRecords {
                message += 1
                let record: JournalRecord
                switch n % 10 {
                case 0...4:
                    let campaign = state.team.campaigns[n % state.team.campaigns.count].id
                    let outcome = handler.handle(Records.handoffCommand(n, campaign: campaign), state: state.team, context: Sample.context(Sample.mia))
                    record = Records.record(for: outcome, message: message)
                case 5...8:
                    let pending = state.team.openHandoffs.sorted().lazy.map { state.team.handoffs[$0] }
                        .first { $0.status == .pending && $0.assignee == "sam" }
                    let verb = n % 10 == 8 ? "reject" : "accept"
                    let reason = verb == "reject" ? " no-budget \"frozen until Q3\"" : ""
                    let outcome = handler.handle(
                        "handoff \(verb) \(pending?.id ?? "H-1")\(reason)", state: state.team, context: Sample.context(Sample.sam))
                    record = Records.record(for: outcome, message: message)
                default:
                    record = JournalRecord(sent: state.outbox.prefix(3).map(\.key))
                }
                let written = try await store.append(record)
                state.apply(written)
            }
        }
        try Data().write(to: URL(fileURLWithPath: readyMarker))
        return state
    }
}
