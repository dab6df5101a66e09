/// Why a platform did not take a reply, as the bot should act on it.
enum DeliveryFailure: Error, Equatable, CustomStringConvertible {
    /// HTTP 429: wait this many seconds.
    case rateLimited(seconds: Double)
    /// The relay's credential was refused: retrying will not help until the admin fixes it.
    case unauthorized(code: String)
    /// The platform refused this message for good (`channel_not_found`, `not_in_channel`, a 400 …).
    case refused(code: String, hint: String?)
    /// The platform could not be reached, or failed (5xx, `internal_error`): retry later.
    case unavailable(String)

    var description: String {
        switch self {
        case .rateLimited(let seconds): "rate limited: retry after \(seconds) s"
        case .unauthorized(let code): "the relay's token was refused (\(code)): check the token in the config's transport section"
        case .refused(let code, let hint): "the message was refused (\(code))" + (hint.map { ": " + $0 } ?? "")
        case .unavailable(let reason): "unavailable: \(reason)"
        }
    }
}
