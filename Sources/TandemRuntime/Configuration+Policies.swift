import Foundation
import TandemCore

/// The team's agreements, from the config's `policies` section: SLA per priority, business hours,
/// rejection reasons, escalation, the weekly report, how late a missed reminder may still go out.
struct PoliciesFile: Decodable {
    var serviceLevels = ServiceLevels()
    var rejectReasons = Team.defaultRejectReasons
    var notices = NoticeSettings()

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case sla, rejectReasons, escalateToLeadAfter, report, graceMinutes
    }
    private enum SLAKeys: String, CodingKey, CaseIterable { case hot, warm, cool, businessHours }
    private enum HoursKeys: String, CodingKey, CaseIterable { case start, end, days }
    private enum ReportKeys: String, CodingKey, CaseIterable { case day, time }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        if c.contains(.sla) {
            let sla = try c.superDecoder(forKey: .sla).strictContainer(keyedBy: SLAKeys.self)
            serviceLevels.hotMinutes = try Self.minutes(sla, .hot) ?? serviceLevels.hotMinutes
            serviceLevels.warmMinutes = try Self.minutes(sla, .warm) ?? serviceLevels.warmMinutes
            serviceLevels.coolMinutes = try Self.minutes(sla, .cool) ?? serviceLevels.coolMinutes
            if sla.contains(.businessHours) {
                let hours = try sla.superDecoder(forKey: .businessHours).strictContainer(keyedBy: HoursKeys.self)
                let start = try Self.time(hours, .start) ?? TimeOfDay(hour: 9)
                let end = try Self.time(hours, .end) ?? TimeOfDay(hour: 17)
                guard start.minute == 0, end.minute == 0, start < end else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: hours.codingPath, debugDescription: "business hours are whole hours, start before end (e.g. 09:00–17:00)"))
                }
                let days = try hours.decodeIfPresent([String].self, forKey: .days) ?? ["mon", "tue", "wed", "thu", "fri"]
                var isoDays: Set<Int> = []
                for day in days {
                    guard let i = Self.weekdays.firstIndex(of: String(day.lowercased().prefix(3))) else {
                        throw DecodingError.dataCorrupted(.init(
                            codingPath: hours.codingPath + [HoursKeys.days], debugDescription: "'\(day)' is not a weekday (mon … sun)"))
                    }
                    isoDays.insert(i + 1)
                }
                serviceLevels.businessHours = .init(startHour: start.hour, endHour: end.hour, weekdays: isoDays)
            }
        }
        if let reasons = try c.decodeIfPresent([String].self, forKey: .rejectReasons) {
            guard !reasons.isEmpty else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.rejectReasons], debugDescription: "name at least one reason"))
            }
            rejectReasons = reasons
        }
        notices.escalateToLeadAfterMinutes = try Self.minutes(c, .escalateToLeadAfter) ?? notices.escalateToLeadAfterMinutes
        if let grace = try c.decodeIfPresent(Int.self, forKey: .graceMinutes) {
            guard (0...1440).contains(grace) else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.graceMinutes], debugDescription: "between 0 and 1440"))
            }
            notices.graceMinutes = grace
        }
        if c.contains(.report) {
            let report = try c.superDecoder(forKey: .report).strictContainer(keyedBy: ReportKeys.self)
            if let day = try report.decodeIfPresent(String.self, forKey: .day) {
                guard let i = Self.weekdays.firstIndex(of: String(day.lowercased().prefix(3))) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: report.codingPath + [ReportKeys.day], debugDescription: "'\(day)' is not a weekday (mon … sun)"))
                }
                notices.reportWeekday = i + 1
            }
            notices.reportTime = try Self.time(report, .time) ?? notices.reportTime
        }
    }

    /// "1h", "30m", "1d" → minutes.
    private static func minutes<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let duration = WhenParser.parseOffset(text), duration > .zero else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key], debugDescription: "'\(text)' is not a duration like 30m, 4h or 1d"))
        }
        return Int(duration.components.seconds / 60)
    }

    /// "09:00" → a time of day.
    private static func time<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> TimeOfDay? {
        guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, let time = TimeOfDay(validatingHour: parts[0], minute: parts[1]) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key], debugDescription: "'\(text)' is not a time like 09:00"))
        }
        return time
    }
}
