/// A value that failed to decode is nil instead of an error: every platform's updates are decoded through it, so
/// one odd event (a new type, a field of another shape) never stops the bot's polling.
struct Lenient<Value: Decodable>: Decodable {
    var value: Value?

    init(from decoder: any Decoder) throws {
        value = try? Value(from: decoder)
    }
}

extension Array {
    /// The values of the elements that decoded.
    func decoded<Value>() -> [Value] where Element == Lenient<Value> { compactMap(\.value) }
}
