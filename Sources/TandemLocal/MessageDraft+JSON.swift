import Foundation

extension MessageDraft {
    /// Decodes a `POST /messages` body: `{"channel"?, "text", "thread"?, "username"?, "idempotency_key"?}`.
    ///
    /// Slack incoming-webhook bodies (`{"text": ...}`, extra fields ignored) decode too.
    /// - Throws: ``RequestFailure`` (400) saying what is wrong with the body.
    init(json body: Data) throws(RequestFailure) {
        let payload: PostMessagePayload
        do {
            payload = try JSONDecoder().decode(PostMessagePayload.self, from: body)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .badRequest(field.isEmpty ? "the body must be a JSON object" : "\(field) must be a string")
        } catch {
            throw .badRequest(
                #"malformed JSON: the body must be a JSON object such as {"channel": "general", "text": "hello"}"#
            )
        }
        guard let text = payload.text else {
            throw .badRequest("text is required")
        }
        self.init(
            channel: payload.channel,
            text: text,
            thread: payload.thread,
            username: payload.username,
            idempotencyKey: payload.idempotencyKey
        )
    }
}
