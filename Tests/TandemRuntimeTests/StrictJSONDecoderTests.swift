import Foundation
import Testing

@testable import TandemRuntime

@Suite("Strict JSON decoding")
struct StrictJSONDecoderTests {
    /// Plain synthesized `Decodable` types, as the config file's sections are.
    struct Item: Decodable, Equatable {
        var name: String
        var size: Int?
    }

    struct Document: Decodable, Equatable {
        var count: Int
        var flag: Bool?
        var ratio: Double?
        var item: Item?
        var items: [Item]?
        var byName: [String: Item]?
        var grid: [[Item]]?
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let json: String
        let path: String
        var testDescription: String { path.isEmpty ? json : path }
    }

    static func decode(_ json: String) throws -> Document {
        try StrictJSONDecoder().decode(Document.self, from: Data(json.utf8))
    }

    /// The coding path as `ConfigurationError` writes it.
    static func path(_ codingPath: [any CodingKey]) -> String {
        let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    @Test(arguments: [
        Case(json: #"{"count": 1, "colour": 2}"#, path: "colour"),
        Case(json: #"{"count": 1, "item": {"name": "a", "colour": 2}}"#, path: "item.colour"),
        Case(json: #"{"count": 1, "items": [{"name": "a"}, {"name": "b", "colour": 2}]}"#, path: "items[1].colour"),
        Case(json: #"{"count": 1, "byName": {"x": {"name": "a", "colour": null}}}"#, path: "byName.x.colour"),
        Case(json: #"{"count": 1, "grid": [[], [{"name": "a", "colour": []}]]}"#, path: "grid[1][0].colour"),
        Case(json: #"{"count": 1, "item": {"name": "a"}, "items": [{"name": "b", "siez": 3}], "zz": 0}"#, path: "zz"),
    ])
    func anUnknownKeyIsNamedWithItsPath(_ broken: Case) throws {
        let error = try #require(throws: DecodingError.self) { try Self.decode(broken.json) }
        guard case .dataCorrupted(let context) = error else { Issue.record("\(error)"); return }
        #expect(Self.path(context.codingPath) == broken.path)
        #expect(context.debugDescription.hasPrefix("unknown key (known keys: "), "\(context.debugDescription)")
    }

    @Test func theKnownKeysAreTheOnesTheTypeAskedFor() throws {
        let error = try #require(throws: DecodingError.self) { try Self.decode(#"{"count": 1, "item": {"name": "a", "colour": 2}}"#) }
        guard case .dataCorrupted(let context) = error else { Issue.record("\(error)"); return }
        #expect(context.debugDescription == "unknown key (known keys: name, size)")
    }

    @Test(arguments: [
        #"{"count": 1}"#,
        #"{"count": 1, "flag": null, "item": null, "items": null}"#,
        #"{"count": 1, "flag": true, "ratio": 0.5, "item": {"name": "a", "size": null}}"#,
        #"{"count": -7, "items": [{"name": "a", "size": 3}, {"name": "b"}], "byName": {"x": {"name": "c"}}}"#,
        #"{"count": 0, "grid": [[{"name": "a"}], []]}"#,
    ])
    func aDocumentOfKnownKeysDecodesAsJSONDecoderDoes(_ json: String) throws {
        #expect(try Self.decode(json) == JSONDecoder().decode(Document.self, from: Data(json.utf8)))
    }

    @Test(arguments: [
        Case(json: #"{"count": null}"#, path: "count"),
        Case(json: #"{"flag": true}"#, path: "count"),
        Case(json: #"{"count": "1"}"#, path: "count"),
        Case(json: #"{"count": 1.5}"#, path: "count"),
        Case(json: #"{"count": 1, "flag": 1}"#, path: "flag"),
        Case(json: #"{"count": 1, "item": []}"#, path: "item"),
        Case(json: #"{"count": 1, "items": [{"name": 2}]}"#, path: "items[0].name"),
        Case(json: #"{"count": 1, "items": {}}"#, path: "items"),
    ])
    func aMissingKeyOrAWrongValueIsNamedWithItsPath(_ broken: Case) throws {
        let error = try #require(throws: DecodingError.self) { try Self.decode(broken.json) }
        switch error {
        case .keyNotFound(let key, let context): #expect(Self.path(context.codingPath + [key]) == broken.path)
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            #expect(Self.path(context.codingPath) == broken.path)
        @unknown default: Issue.record("\(error)")
        }
    }
}
