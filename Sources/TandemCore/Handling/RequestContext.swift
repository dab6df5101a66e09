import Foundation

/// Who asked, where, and when: everything a handler may know about the world besides the state.
public struct RequestContext: Sendable {
    public var sender: Member
    public var channel: String
    public var isDirect: Bool
    /// The time of the request, passed in because the core never reads the clock.
    public var now: Date

    public init(sender: Member, channel: String, isDirect: Bool = false, now: Date) {
        self.sender = sender
        self.channel = channel
        self.isDirect = isDirect
        self.now = now
    }

    public var language: Language { sender.language }
}
