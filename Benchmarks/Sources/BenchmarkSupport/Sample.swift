import Foundation
import TandemCore

/// Generated, realistic, reproducible data for the benchmarks: the sample team of the tests, campaigns with
/// English and German names, handoffs with their full history, and recurring meetings in several zones.
///
/// Everything is derived from a seed, so two runs (and two machines) measure the same state.
public enum Sample {
    // MARK: - Team (as in Tests/TandemCoreTests/Fixtures.swift)

    public static let mia = Member(id: "mia", name: "Mia", roles: [.marketingLead], language: .de, timeZone: "Europe/Berlin")
    public static let leo = Member(id: "leo", name: "Leo", roles: [.marketing], language: .en, timeZone: "Europe/Berlin")
    public static let sam = Member(id: "sam", name: "Sam", roles: [.sales], language: .en, timeZone: "America/New_York")
    public static let jonas = Member(id: "jonas", name: "Jonas", roles: [.sales], language: .de, timeZone: "Europe/Berlin")
    public static let priya = Member(id: "priya", name: "Priya", roles: [.salesLead], language: .en, timeZone: "Europe/London")
    public static let alex = Member(id: "alex", name: "Alex", roles: [.admin], language: .en, timeZone: "Europe/Berlin")
    public static let team = Team(
        members: [mia, leo, sam, jonas, priya, alex], timeZone: "Europe/Berlin", salesChannel: "sales", jointChannel: "joint")

    /// Monday 2026-11-30 10:00 UTC, as in the tests.
    public static let now = Date(timeIntervalSince1970: 1_796_032_800)

    public static func context(_ sender: Member, channel: String = "joint", now: Date = Sample.now) -> RequestContext {
        RequestContext(sender: sender, channel: channel, now: now)
    }

    // MARK: - Campaigns

    static let themes = [
        "Spring Launch", "Summer Retail Promo", "Year-End Upgrade", "Security Roadshow", "Webinar Series", "Trade Fair",
        "Partner Summit", "Customer Success Stories", "Product Tour", "Pricing Refresh", "Analytics Bootcamp",
        "Cloud Migration", "Predictive Maintenance", "Energy Savings", "Quality Control", "Supply Chain Visibility",
        "Field Service", "Digital Twin", "Shop Floor Insights", "Remote Monitoring", "Frühjahrs-Webinarreihe",
        "Fertigung Live", "Maschinenbau Forum", "Qualitätssicherung Kompakt", "Lösungen für den Mittelstand",
        "Messe Highlights", "Kundentag", "Wartung 4.0", "Energieeffizienz", "Größere Anlagen", "Schulungswochen",
        "Produktionsüberwachung", "Händlertage", "Grüne Fabrik", "Zukunft der Produktion",
    ]
    static let regions = [
        "DACH", "Nordics", "Benelux", "UK", "France", "Iberia", "North America", "Bayern", "Österreich", "Schweiz",
        "Zürich", "München", "Köln", "Düsseldorf", "Hamburg", "Italia",
    ]
    static let seasons = ["Spring", "Summer", "Autumn", "Winter", "Q1", "Q2", "Q3", "Q4", "Frühling", "Sommer", "Herbst"]
    static let segments = [
        "Manufacturing", "Retail", "Logistics", "Healthcare", "Automotive", "Food & Beverage", "Chemicals", "Pharma",
        "Energy", "Public Sector", "Mittelstand", "Lebensmittelindustrie", "Maschinen- und Anlagenbau", "Großhandel",
        "Plant managers in discrete manufacturing", "Heads of maintenance, 200–2000 employees",
    ]
    static let tags = [
        "launch", "webinar", "event", "upgrade", "promo", "frühling", "messe", "abm", "nurture", "partner", "retention",
        "cross-sell", "trial", "demo", "roadshow", "kundentag", "schulung", "energie",
    ]
    static let benefits = [
        "one live view of production", "less unplanned downtime", "every line visible within a day",
        "uses the sensors already there", "reports the board reads", "weniger Stillstand", "Qualität auf einen Blick",
        "no new hardware", "setup in a week", "savings you can prove", "Wartung nach Bedarf statt nach Kalender",
    ]
    static let objectives = [
        "Pipeline from new logos", "Upsell to existing plants", "Book demos with plant managers",
        "Neue Kunden im Mittelstand gewinnen", "Renewals before year end", "Awareness in a new region",
    ]

    /// `count` campaign briefs, planned, live and ended, with names, tags, segments and offers.
    public static func campaigns(count: Int, seed: UInt64 = 42) -> [Campaign] {
        var rng = SeededGenerator(seed: seed)
        var campaigns: [Campaign] = []
        campaigns.reserveCapacity(count)
        var usedIDs: [String: Int] = [:]
        let firstDay = Day(year: 2024, month: 1, day: 1)
        for _ in 0..<count {
            var name = rng.pick(themes)
            if rng.chance(0.6) { name += " " + rng.pick(regions) }
            if rng.chance(0.5) { name += " " + rng.pick(seasons) + " " + String(Int.random(in: 2024...2028, using: &rng)) }
            var id = slug(name)
            let n = usedIDs[id, default: 0] + 1
            usedIDs[id] = n
            if n > 1 { id += "-\(n)" }
            let start = firstDay.adding(days: Int.random(in: 0..<(365 * 4), using: &rng))
            let end = start.adding(days: Int.random(in: 14...120, using: &rng))
            let benefit = rng.pick(benefits)
            var campaign = Campaign(
                id: id, name: name, owner: rng.pick(["Mia", "Leo"]), start: start, end: end,
                objective: rng.pick(objectives), kpi: "\(Int.random(in: 20...300, using: &rng)) MQLs",
                segment: rng.pick(segments), oneLiner: benefit.prefix(1).uppercased() + benefit.dropFirst(),
                keyMessages: [rng.pick(benefits), rng.pick(benefits)],
                talkingPoints: [rng.pick(benefits), rng.pick(benefits), rng.pick(benefits)],
                discoveryQuestions: ["How do you see downtime today?"],
                channels: [rng.pick(["email", "linkedin", "trade fair", "webinar", "events"])],
                tags: (0..<Int.random(in: 1...3, using: &rng)).map { _ in rng.pick(tags) })
            if rng.chance(0.5) {
                let code = String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) }.prefix(6).map(Character.init))
                campaign.offer = .init(
                    description: rng.pick(["First plant free", "20 % off the first year", "Zweiter Platz gratis", "Free pilot"]),
                    promoCode: code + String(format: "%02d", Int.random(in: 0...99, using: &rng)), validUntil: end)
            }
            campaigns.append(campaign)
        }
        return campaigns
    }

    static func slug(_ name: String) -> String {
        TextFolding.words(name).joined(separator: "-")
    }

    // MARK: - Handoffs

    static let firstNames = ["Anna", "Lukas", "Sofia", "Jonas", "Emma", "Noah", "Mila", "Elias", "Olivia", "Liam", "Jürgen", "Zoë", "Chloé", "Björn"]
    static let lastNames = ["Schmidt", "Müller", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Smith", "Johnson", "Brown", "García", "Rossi", "Dubois", "Jansen"]
    static let companies = ["Kessler GmbH", "Nordstahl AG", "Brightline Foods", "Alpenwerk", "Rheintal Logistik", "Acme Plastics", "Baltic Motors", "Helvetia Pharma", "Donau Chemie", "Westfield Retail"]
    static let triggers = ["demo request", "pricing page", "webinar", "whitepaper download", "trade fair scan", "contact form"]

    /// A state with `campaigns` campaigns and `handoffs` handoffs with realistic histories: most old handoffs are
    /// closed (won, lost, rejected, recycled), recent ones are pending or accepted. The ten newest are always
    /// pending. Built through `TeamState.apply`, as the journal would build it.
    public static func state(campaigns campaignCount: Int, handoffs handoffCount: Int, seed: UInt64 = 7) -> TeamState {
        let campaigns = campaigns(count: campaignCount, seed: seed &+ 1)
        var state = TeamState(campaigns: campaigns)
        var rng = SeededGenerator(seed: seed)
        let span = 2 * 365 * 86_400.0
        let reps = ["sam", "jonas"]
        let reasons = Team.defaultRejectReasons
        for i in 1...max(1, handoffCount) where handoffCount > 0 {
            // Oldest first, spread over two years up to `now`.
            let createdAt = now - span * Double(handoffCount - i + 1) / Double(handoffCount)
            let priority = rng.pick(Handoff.Priority.allCases)
            let assignee: String? = rng.chance(0.85) ? rng.pick(reps) : nil
            let handoff = Handoff(
                id: "H-\(i)",
                contact: .init(
                    name: rng.pick(firstNames) + " " + rng.pick(lastNames), title: rng.pick(["Plant Manager", "Head of Maintenance", "COO", "Werkleiter"]),
                    email: "lead\(i)@example.com", phone: "+49 30 \(1_000_000 + i)", consent: .yes, language: rng.pick(["en", "de"])),
                company: .init(
                    name: rng.pick(companies), domain: "example.com", industry: rng.pick(segments), size: rng.pick(["50-200", "200-1000", "1000+"]),
                    region: rng.pick(regions), fitGrade: rng.pick(["A", "B", "C", "D"])),
                score: Int.random(in: 20...100, using: &rng), trigger: rng.pick(triggers),
                campaign: campaigns.isEmpty ? nil : campaigns[Int.random(in: 0..<campaigns.count, using: &rng)].id,
                note: rng.chance(0.3) ? "asked for a demo next week" : nil, priority: priority,
                from: rng.pick(["mia", "leo"]), assignee: assignee, createdAt: createdAt, firstTouchDue: createdAt + 4 * 3600)
            state.apply(.leadHandedOff(handoff))
            let recent = i > handoffCount - 2_000
            if i > handoffCount - 10 { continue }  // the newest stay pending
            let rep = assignee ?? rng.pick(reps)
            let roll = Double.random(in: 0..<1, using: &rng)
            func step(_ hours: Double, reason: String? = nil, note: String? = nil, revisit: Day? = nil) -> HandoffStep {
                HandoffStep(handoff: handoff.id, by: rep, at: createdAt + hours * 3600, reason: reason, note: note, revisit: revisit)
            }
            if recent {
                // Recent: 60 % pending, 40 % accepted.
                if roll < 0.4 { state.apply(.handoffAccepted(step(2))) }
                continue
            }
            switch roll {
            case ..<0.03:
                break  // old and still pending: overdue
            case ..<0.06:
                state.apply(.handoffAccepted(step(2)))
            case ..<0.35:
                state.apply(.handoffAccepted(step(2)))
                state.apply(.handoffWon(step(24 * 30, note: "signed")))
            case ..<0.60:
                state.apply(.handoffAccepted(step(3)))
                state.apply(.handoffLost(step(24 * 40, reason: rng.pick(reasons))))
            case ..<0.90:
                state.apply(.handoffRejected(step(5, reason: rng.pick(reasons), note: "not now")))
            default:
                state.apply(.handoffRejected(step(5, reason: "bad-timing")))
                state.apply(.handoffRecycled(step(6, reason: "bad-timing", revisit: Day(createdAt, in: .gmt).adding(days: 90))))
            }
        }
        return state
    }

    // MARK: - Meetings

    static let zones = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Zurich"]
    static let meetingTitles = ["Pipeline sync", "Lead review", "Campaign kick-off", "Pipeline-Abgleich", "Forecast call", "Wochenrückblick"]

    /// `count` meetings: 60 % weekly, 25 % monthly on a day, 15 % monthly on a weekday, in five zones, with
    /// reminders a day and 15 minutes before (some only 15 minutes or an hour), a few skipped days, 5 %
    /// cancelled and 10 % already ended.
    public static func meetings(count: Int, seed: UInt64 = 11) -> [Meeting] {
        var rng = SeededGenerator(seed: seed)
        let today = Day(now, in: .gmt)
        return (1...max(1, count)).prefix(count).map { i in
            let firstDay = today.adding(days: -Int.random(in: 0..<365, using: &rng))
            let first = WallTime(
                day: firstDay, hour: Int.random(in: 8...17, using: &rng), minute: rng.pick([0, 15, 30, 45]))
            let roll = Double.random(in: 0..<1, using: &rng)
            let rule: Recurrence.Rule =
                if roll < 0.6 {
                    .weekly(interval: rng.chance(0.7) ? 1 : 2, weekdays: rng.chance(0.8) ? [Int.random(in: 1...5, using: &rng)] : [1, 4])
                } else if roll < 0.85 {
                    .monthlyOnDay(interval: 1, day: Int.random(in: 1...31, using: &rng))
                } else {
                    .monthlyOnWeekday(interval: 1, ordinal: rng.pick([1, 2, 3, -1]), weekday: Int.random(in: 1...5, using: &rng))
                }
            var skipped: Set<Day> = []
            if rng.chance(0.3) {
                for _ in 0..<Int.random(in: 1...4, using: &rng) { skipped.insert(today.adding(days: Int.random(in: -60...60, using: &rng))) }
            }
            let until: Day? = rng.chance(0.1) ? today.adding(days: -Int.random(in: 1...30, using: &rng)) : nil
            let schedule = MeetingSchedule(
                firstStart: first, timeZone: rng.pick(zones), durationMinutes: rng.pick([30, 45, 60]),
                recurrence: Recurrence(rule), skipped: skipped, until: until)
            let reminders = rng.chance(0.7) ? [1440, 15] : rng.pick([[15], [60]])
            return Meeting(
                id: "M-\(i)", title: rng.pick(meetingTitles) + " \(i)", channel: "joint", organizer: rng.pick(["mia", "priya"]),
                schedule: schedule, reminderMinutes: reminders,
                agenda: rng.chance(0.3) ? [.init(author: "mia", text: "Lead quality from the webinar")] : [],
                cancelled: rng.chance(0.05))
        }
    }

    /// A state holding `count` meetings, scheduled through `apply`, and the campaigns and handoffs of `base`.
    public static func withMeetings(_ count: Int, base: TeamState = TeamState()) -> TeamState {
        var state = base
        for meeting in meetings(count: count) {
            let cancelled = meeting.cancelled
            var scheduled = meeting
            scheduled.cancelled = false
            state.apply(.meetingScheduled(scheduled))
            if cancelled { state.apply(.meetingCancelled(MeetingChange(meeting: meeting.id, by: "mia", at: now))) }
        }
        return state
    }
}
