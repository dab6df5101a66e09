import Foundation
import TandemProtocol

extension NewMessage {
    /// Decodes a `POST /messages` body: `{"channel"?, "text", "thread"?, "username"?, "idempotency_key"?}`.
    ///
    /// Slack incoming-webhook bodies (`{"text": ...}`, extra fields ignored) decode too. A missing `text` is left
    /// to ``ChatRoom/post(_:from:)``, which says so.
    /// - Throws: ``RequestFailure`` (400) saying what is wrong with the body.
    package init(json body: Data) throws(RequestFailure) {
        do {
            self = try JSONDecoder().decode(NewMessage.self, from: body)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .badRequest(field.isEmpty ? "the body must be a JSON object" : "\(field) must be a string")
        } catch {
            throw .badRequest(
                #"malformed JSON: the body must be a JSON object such as {"channel": "general", "text": "hello"}"#
            )
        }
    }
}
