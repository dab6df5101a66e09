import Foundation
import Testing
import TandemStore
import TandemTesting

/// The real disk keeps a file it appends to open between appends: what goes through the same value must still
/// land in the file the path names.
final class POSIXFileSystemTests {
    let folder = TemporaryFolder("tandem-posix")
    let disk = POSIXFileSystem()

    init() throws { try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true) }
    deinit { folder.remove() }

    private func text(_ name: String) throws -> String? {
        try disk.read(folder.file(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func appendsAndSyncsGoToOneFileInOrder() throws {
        let path = folder.file("journal.jsonl")
        for n in 1...3 {
            try disk.append(Data("\(n)\n".utf8), to: path)
            try disk.fsync(path)
        }
        #expect(try text("journal.jsonl") == "1\n2\n3\n")
    }

    @Test func aFileRenamedOverTheAppendedPathTakesTheNextAppends() throws {
        let path = folder.file("journal.jsonl")
        try disk.append(Data("old\n".utf8), to: path)
        try disk.write(Data("new\n".utf8), to: path + ".tmp")
        try disk.rename(path + ".tmp", to: path)
        try disk.append(Data("after\n".utf8), to: path)
        try disk.fsync(path)
        #expect(try text("journal.jsonl") == "new\nafter\n")
    }

    @Test func appendsAfterARewriteTruncationOrRemovalFollowThePath() throws {
        let path = folder.file("journal.jsonl")
        try disk.append(Data("one\n".utf8), to: path)
        try disk.write(Data("two\n".utf8), to: path)
        try disk.append(Data("three\n".utf8), to: path)
        #expect(try text("journal.jsonl") == "two\nthree\n")
        try disk.truncate(path, to: 4)
        try disk.append(Data("four\n".utf8), to: path)
        #expect(try text("journal.jsonl") == "two\nfour\n")
        try disk.remove(path)
        try disk.append(Data("five\n".utf8), to: path)
        #expect(try text("journal.jsonl") == "five\n")
    }

    @Test func aCopyOfTheValueSharesItsOpenFiles() throws {
        let path = folder.file("journal.jsonl")
        let copy = disk
        try disk.append(Data("a\n".utf8), to: path)
        try copy.rename(path, to: folder.file("moved.jsonl"))
        try disk.append(Data("b\n".utf8), to: path)
        #expect(try text("journal.jsonl") == "b\n")
        #expect(try text("moved.jsonl") == "a\n")
    }
}
