import Foundation

/// Decodes JSON through `Codable`, several times faster than Foundation's `JSONDecoder`: the document is parsed
/// once into a `JSONTape`, and containers look values up in the tape instead of building dictionaries. Dates are
/// ISO 8601 strings, as `StateJSONEncoder` writes them.
///
/// It knows JSON and nothing of Tandem's model: the models' `Codable` conformances are the one definition of the
/// format. What a caller may add for speed is generic: elements of long arrays that decode on all cores
/// (`ConcurrentlyDecodable`, optionally read straight from the tape), and `DecodingOverrides` for types it builds
/// itself. The store's snapshot loading (`StateLoading`) is where the model meets it.
///
/// Errors name the line: a syntax error where reading stopped, a decoding error where the offending value is.
enum StateJSONDecoder {
    /// Why a document could not be decoded, and where.
    struct Failure: Error, CustomStringConvertible {
        /// Line in the document (from 1) of the value or byte at fault.
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// Parses `data` once and hands `body` a document to decode types from (e.g. a version probe, then the whole).
    /// - Parameter parallelFrom: see `JSONTape.init(parsing:parts:parallelFrom:)`.
    /// - Parameter overrides: types decoded by the caller's functions instead of their own `init(from:)`.
    static func withDocument<R>(
        _ data: Data, parallelFrom: Int = JSONTape.parallelMinimumSize, overrides: DecodingOverrides = .init(),
        _ body: (Document) throws -> R
    ) throws -> R {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> R in
            let tape: JSONTape
            do {
                tape = try JSONTape(parsing: bytes, parallelFrom: parallelFrom)
            } catch let error as JSONTape.SyntaxError {
                throw Failure(line: lineNumber(in: bytes, at: error.offset), message: error.message)
            }
            return try withExtendedLifetime(tape) {
                try withUnsafePointer(to: overrides) { overrides in
                    var storage = TapeStorage(
                        bytes: bytes, tape: tape.tokens, overrides: overrides.pointee.isEmpty ? nil : overrides)
                    return try withUnsafePointer(to: &storage) { try body(Document(storage: $0)) }
                }
            }
        }
    }

    static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, parallelFrom: Int = JSONTape.parallelMinimumSize,
        overrides: DecodingOverrides = .init()
    ) throws -> T {
        try withDocument(data, parallelFrom: parallelFrom, overrides: overrides) { try $0.decode(type) }
    }

    /// A parsed document; valid only inside `withDocument`'s closure.
    struct Document {
        let storage: UnsafePointer<TapeStorage>

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            do {
                return try TapeDecoder(storage: storage, index: 0).decode(type)
            } catch let error as DecodingError {
                throw storage.pointee.failure(error)
            }
        }
    }
}

/// Types a caller decodes with functions of its own instead of their `init(from:)`: for a type whose `Codable`
/// form is right, but whose building the caller can spread over cores (the store's team state and its indexes).
struct DecodingOverrides: Sendable {
    typealias Decode = @Sendable (any Decoder) throws -> Any
    private var entries: [(type: ObjectIdentifier, decode: Decode)] = []

    init() {}

    var isEmpty: Bool { entries.isEmpty }

    /// Decodes every `T` in the document with `decode`, which gets the decoder positioned on its value.
    mutating func decode<T: Decodable>(_ type: T.Type, with decode: @escaping @Sendable (any Decoder) throws -> T) {
        entries.append((ObjectIdentifier(type), decode))
    }

    /// The function that decodes `type`, if the caller gave one. A few entries at most: a linear scan.
    func decoder(for type: Any.Type) -> Decode? {
        let id = ObjectIdentifier(type)
        return entries.first { $0.type == id }?.decode
    }
}
