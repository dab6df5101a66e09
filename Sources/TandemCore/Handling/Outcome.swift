/// The result of handling one request: what changed and what to say. Persisted before anything is sent.
public struct Outcome: Sendable, Equatable {
    public var events: [DomainEvent]
    public var replies: [Reply]

    public init(events: [DomainEvent] = [], replies: [Reply] = []) {
        self.events = events
        self.replies = replies
    }

    public static func reply(_ body: RichText) -> Outcome { Outcome(replies: [Reply(body: body)]) }
}
