import Foundation
import TandemCore

enum Fixtures {
    static let mia = Member(id: "mia", name: "Mia", roles: [.marketingLead], language: .de, timeZone: "Europe/Berlin")
    static let leo = Member(id: "leo", name: "Leo", roles: [.marketing], language: .en, timeZone: "Europe/Berlin")
    static let sam = Member(id: "sam", name: "Sam", roles: [.sales], language: .en, timeZone: "America/New_York")
    static let jonas = Member(id: "jonas", name: "Jonas", roles: [.sales], language: .de, timeZone: "Europe/Berlin")
    static let priya = Member(id: "priya", name: "Priya", roles: [.salesLead], language: .en, timeZone: "Europe/London")
    static let alex = Member(id: "alex", name: "Alex", roles: [.admin], language: .en, timeZone: "Europe/Berlin")
    static let guest = Member.guest(id: "zoe", name: "Zoe")
    static let team = Team(
        members: [mia, leo, sam, jonas, priya, alex], timeZone: "Europe/Berlin", salesChannel: "sales", jointChannel: "joint")
    static let everyone = [mia, leo, sam, jonas, priya, alex, guest]

    /// 2026-11-30 10:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_032_800)

    static let campaigns: [Campaign] = [
        Campaign(
            id: "spring-launch", name: "Spring Launch 2027", owner: "Mia", start: Day(iso: "2027-03-01"),
            end: Day(iso: "2027-04-30"), kpi: "120 MQLs and €1.5M pipeline", segment: "Manufacturing",
            exclusions: "Existing customers", oneLiner: "One live view of production",
            talkingPoints: [
                "Every line visible live within a day", "Uses the sensors already there", "First plant free until April",
            ],
            discoveryQuestions: ["How do you see downtime today?"],
            offer: .init(description: "First plant free", promoCode: "SPRING27", validUntil: Day(iso: "2027-04-30")),
            objections: [
                .init(objection: "We already have an MES", answer: "Tandem reads from it; nothing to replace"),
                .init(objection: "No budget this year", answer: "The first plant is free"),
            ],
            competitorNotes: "Acme needs new sensors; we do not",
            assets: [.init(title: "Launch deck", url: "https://example.com/spring/deck")],
            channels: ["email", "trade fair"],
            doNotSay: ["Guaranteed savings", "Replaces your MES"],
            tags: ["spring", "frühling", "launch"]),
        Campaign(
            id: "year-end-upgrade", name: "Year-End Upgrade Offer", owner: "Mia", start: Day(iso: "2026-11-16"),
            end: Day(iso: "2026-12-31"), offer: .init(promoCode: "YEAREND25"), tags: ["upgrade"]),
        Campaign(
            id: "fruehjahr-webinar", name: "Frühjahrs-Webinarreihe Fertigung", owner: "Mia", start: Day(iso: "2027-02-10"),
            end: Day(iso: "2027-03-31"), offer: .init(description: "Zweiter Platz gratis")),
        Campaign(
            id: "security-roadshow", name: "Security Roadshow DACH", owner: "Leo", start: Day(iso: "2026-10-01"),
            end: Day(iso: "2026-12-15"), tags: ["event"]),
        Campaign(id: "summer-retail", name: "Summer Retail Promo", start: Day(iso: "2026-06-01"), end: Day(iso: "2026-08-31")),
    ]

    static let state = TeamState(campaigns: campaigns)

    static func context(_ sender: Member, channel: String = "joint") -> RequestContext {
        RequestContext(sender: sender, channel: channel, now: now)
    }
}
