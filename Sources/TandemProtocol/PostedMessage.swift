/// The answer to `POST /messages`: the id of the message posted, or of the earlier one with the same
/// ``NewMessage/idempotencyKey``.
public struct PostedMessage: Codable, Sendable, Equatable {
    /// The id updates will carry for the message, and what replies name as their thread.
    public var id: String

    public init(id: String) {
        self.id = id
    }
}
