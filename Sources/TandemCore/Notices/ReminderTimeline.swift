import Foundation
import Synchronization

/// The meeting reminders of a window, computed once and reused by `NoticePlanner.next` and `due`.
///
/// The scheduler asks for the next notice after every change of state, and for the due ones each time it
/// wakes. Computing reminders means time-zone arithmetic for every meeting, so each question would cost as
/// much as there are meetings. The timeline lists every reminder of a window (an hour back, a day ahead),
/// sorted, so most questions are a binary search. It is a memo, not state: answers are the same with or
/// without it, and it is rebuilt when the question leaves its window or the meetings' schedules change.
///
/// Whether the meetings changed is cheap to tell: the timeline keeps the meetings array it was built from, so
/// a state whose array still shares that storage has not changed it (any change would have copied it first).
/// Otherwise the schedules are compared; an edited agenda or title does not cost a rebuild.
final class ReminderTimeline: Sendable {
    /// How far before the question the window starts: the due window the scheduler asks about when it wakes
    /// (the grace period) must fall inside.
    static let lookBehind: TimeInterval = 3600
    /// How far after the question the window ends.
    static let lookAhead: TimeInterval = 86_400

    private struct Built {
        var meetings: [Meeting]
        var from: Date
        var through: Date
        /// Every reminder due in [from, through], sent or not, by time then key.
        var reminders: [DueNotice]
    }

    private let built = Mutex<Built?>(nil)

    init() {}

    typealias Builder = ([Meeting], Date, Date) -> [DueNotice]

    /// The first reminder due at or after `after` + 1 ms (as `next` probes) whose key is not in `sent`; nil when
    /// the window holds none, and the caller must look further.
    func firstReminder(of meetings: [Meeting], after: Date, unless sent: Set<String>, building build: Builder) -> DueNotice? {
        built.withLock { built in
            let current = Self.covering(&built, meetings: meetings, from: after, through: after, build: build)
            let earliest = after + 0.001
            var i = Self.firstIndex(in: current.reminders, notBefore: earliest)
            while i < current.reminders.count {
                if !sent.contains(current.reminders[i].key) { return current.reminders[i] }
                i += 1
            }
            return nil
        }
    }

    /// The reminders due in [from, through] (sent or not), by time then key, as `NoticePlanner.reminders` lists
    /// them; nil when the window is too wide for a timeline.
    func reminders(of meetings: [Meeting], from: Date, through: Date, building build: Builder) -> [DueNotice]? {
        guard through.timeIntervalSince(from) <= Self.lookBehind else { return nil }
        return built.withLock { built in
            let current = Self.covering(&built, meetings: meetings, from: from, through: through, build: build)
            let start = Self.firstIndex(in: current.reminders, notBefore: from)
            // `reminders(of:from:through:)` takes occurrences up to 1 ms after `through` (a half-open window).
            let end = Self.firstIndex(in: current.reminders, notBefore: through + 0.001)
            return Array(current.reminders[start..<max(start, end)])
        }
    }

    /// The timeline, rebuilt unless it was built from the same schedules and covers [from, through].
    private static func covering(
        _ built: inout Built?, meetings: [Meeting], from: Date, through: Date, build: Builder
    ) -> Built {
        if var current = built, current.from <= from, through <= current.through, sameSchedules(current.meetings, meetings) {
            if !sameStorage(current.meetings, meetings) {
                current.meetings = meetings  // equal schedules: keep the new array, so the next check is quick
                built = current
            }
            return current
        }
        let start = through - lookBehind
        let end = through + lookAhead
        let fresh = Built(meetings: meetings, from: start, through: end, reminders: build(meetings, start, end))
        built = fresh
        return fresh
    }

    private static func sameStorage(_ a: [Meeting], _ b: [Meeting]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }

    /// Whether the reminders of `a` and `b` are the same: same meetings, schedules, reminder times, cancellations.
    private static func sameSchedules(_ a: [Meeting], _ b: [Meeting]) -> Bool {
        if sameStorage(a, b) { return true }
        guard a.count == b.count else { return false }
        for i in a.indices
        where a[i].id != b[i].id || a[i].cancelled != b[i].cancelled || a[i].reminderMinutes != b[i].reminderMinutes
            || a[i].schedule != b[i].schedule
        {
            return false
        }
        return true
    }

    /// The index of the first reminder due at or after `date`.
    private static func firstIndex(in reminders: [DueNotice], notBefore date: Date) -> Int {
        reminders.partitioningIndex { $0.at >= date }
    }
}
