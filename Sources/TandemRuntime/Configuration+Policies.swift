import Foundation
import TandemCore

/// The team's agreements, from the config's `policies` section: SLA per priority, business hours,
/// rejection reasons, escalation, the weekly report, how late a missed reminder may still go out.
struct PoliciesFile: Decodable {
    /// First-touch deadlines per priority, as durations like `1h`.
    struct SLA: Decodable {
        var hot: String?
        var warm: String?
        var cool: String?
        var businessHours: BusinessHours?
    }

    /// The working hours deadlines count, in the team's zone: `09:00`–`17:00` on weekdays unless given.
    struct BusinessHours: Decodable {
        var start: String?
        var end: String?
        var days: [String]?
    }

    /// When the weekly report goes out, in the team's zone.
    struct Report: Decodable {
        var day: String?
        var time: String?
    }

    var sla: SLA?
    var rejectReasons: [String]?
    var escalateToLeadAfter: String?
    var report: Report?
    var graceMinutes: Int?

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    func serviceLevels(file: String) throws -> ServiceLevels {
        var levels = ServiceLevels()
        guard let sla else { return levels }
        levels.hotMinutes = try Self.minutes(sla.hot, "policies.sla.hot", file) ?? levels.hotMinutes
        levels.warmMinutes = try Self.minutes(sla.warm, "policies.sla.warm", file) ?? levels.warmMinutes
        levels.coolMinutes = try Self.minutes(sla.cool, "policies.sla.cool", file) ?? levels.coolMinutes
        if let hours = sla.businessHours {
            let key = "policies.sla.businessHours"
            let start = try Self.time(hours.start, key + ".start", file) ?? TimeOfDay(hour: 9)
            let end = try Self.time(hours.end, key + ".end", file) ?? TimeOfDay(hour: 17)
            guard start.minute == 0, end.minute == 0, start < end else {
                throw ConfigurationError(
                    file: file, key: key, problem: "business hours are whole hours, start before end (e.g. 09:00–17:00)")
            }
            let days = try (hours.days ?? ["mon", "tue", "wed", "thu", "fri"]).map { try Self.weekday($0, key + ".days", file) }
            levels.businessHours = .init(startHour: start.hour, endHour: end.hour, weekdays: Set(days))
        }
        return levels
    }

    func rejectReasons(file: String) throws -> [String] {
        guard let rejectReasons else { return Team.defaultRejectReasons }
        guard !rejectReasons.isEmpty else {
            throw ConfigurationError(file: file, key: "policies.rejectReasons", problem: "name at least one reason")
        }
        return rejectReasons
    }

    func notices(file: String) throws -> NoticeSettings {
        var notices = NoticeSettings()
        notices.escalateToLeadAfterMinutes =
            try Self.minutes(escalateToLeadAfter, "policies.escalateToLeadAfter", file) ?? notices.escalateToLeadAfterMinutes
        if let graceMinutes {
            guard (0...1440).contains(graceMinutes) else {
                throw ConfigurationError(file: file, key: "policies.graceMinutes", problem: "between 0 and 1440")
            }
            notices.graceMinutes = graceMinutes
        }
        if let day = report?.day {
            notices.reportWeekday = try Self.weekday(day, "policies.report.day", file)
        }
        notices.reportTime = try Self.time(report?.time, "policies.report.time", file) ?? notices.reportTime
        return notices
    }

    /// "1h", "30m", "1d" → minutes.
    private static func minutes(_ text: String?, _ key: String, _ file: String) throws -> Int? {
        guard let text else { return nil }
        guard let duration = WhenParser.parseOffset(text), duration > .zero else {
            throw ConfigurationError(file: file, key: key, problem: "'\(text)' is not a duration like 30m, 4h or 1d")
        }
        return Int(duration.components.seconds / 60)
    }

    /// "09:00" → a time of day.
    private static func time(_ text: String?, _ key: String, _ file: String) throws -> TimeOfDay? {
        guard let text else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, let time = TimeOfDay(validatingHour: parts[0], minute: parts[1]) else {
            throw ConfigurationError(file: file, key: key, problem: "'\(text)' is not a time like 09:00")
        }
        return time
    }

    /// "monday", "Mon" → the ISO weekday (1 = Monday).
    private static func weekday(_ text: String, _ key: String, _ file: String) throws -> Int {
        guard let index = weekdays.firstIndex(of: String(text.lowercased().prefix(3))) else {
            throw ConfigurationError(file: file, key: key, problem: "'\(text)' is not a weekday (mon … sun)")
        }
        return index + 1
    }
}
