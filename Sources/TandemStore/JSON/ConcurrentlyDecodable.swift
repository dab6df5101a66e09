import Foundation
import Synchronization

/// Elements of arrays long enough to be worth decoding on all cores. Sendable, because each part of an array is
/// decoded on a thread of its own.
protocol ConcurrentlyDecodable: Decodable, Sendable {
    /// Reads the element at `index` straight from the tape into the uninitialized `slot`, faster than its
    /// `init(from:)`; false (and `slot` untouched) hands the element to `init(from:)`, which reads it or names
    /// the problem. The default reads nothing.
    static func read(_ tape: TapeStorage, at index: Int, into slot: UnsafeMutablePointer<Self>) -> Bool
}

extension ConcurrentlyDecodable {
    static func read(_ tape: TapeStorage, at index: Int, into slot: UnsafeMutablePointer<Self>) -> Bool { false }
}

protocol SplittableArray {
    static func decode(inParts decoder: TapeDecoder) throws -> Self
}

/// Arrays shorter than this decode on one thread: splitting costs more than it saves.
let splittableMinimumCount = 4_096

extension Array: SplittableArray where Element: ConcurrentlyDecodable {
    /// Decodes chunks of the array on all cores (`Parallel.forEach`). The first chunk with an error throws it,
    /// so errors are the ones a sequential decode would report.
    static func decode(inParts decoder: TapeDecoder) throws -> [Element] {
        // Shared by the threads below: the storage is immutable and outlives them (they are joined before return).
        nonisolated(unsafe) let storage = decoder.storage
        let count = Int(storage.pointee.token(decoder.index).length)
        // Small enough to balance the cores, large enough that taking one costs nothing.
        let size = 1_024
        let starts = {
            var starts: [Int] = []
            storage.pointee.forEachChild(of: decoder.index) { n, _, element in
                if n % size == 0 { starts.append(element) }
                return true
            }
            return starts
        }()
        @Sendable func initializeElement(_ slot: UnsafeMutablePointer<Element>, from token: Int) throws {
            // Into the slot, not through a generic `Element` value: copying one retains each of its strings.
            if Element.read(storage.pointee, at: token, into: slot) { return }
            slot.initialize(to: try TapeDecoder(storage: storage, index: token).decode(Element.self))
        }
        // Each chunk decodes straight into its slice of the result: joining part arrays copied (and retained)
        // every element once more. Room to grow: replaying the journal appends handoffs, and the first append
        // to a full array would copy all of it.
        return try [Element](unsafeUninitializedCapacity: count + count / 8 + 16) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: buffer.count * MemoryLayout<Element>.stride)
            // Each chunk initializes only its own slice, and all are done before the buffer is used.
            nonisolated(unsafe) let buffer = buffer
            let outcomes = Mutex<[(done: Int, error: (any Error)?)]>(.init(repeating: (0, nil), count: starts.count))
            Parallel.forEach(chunks: starts.count) { chunk in
                let first = chunk * size
                var token = starts[chunk]
                var done = 0
                var failure: (any Error)?
                do {
                    for n in first..<Swift.min(first + size, count) {
                        try initializeElement(buffer.baseAddress! + n, from: token)
                        done += 1
                        token = Int(storage.pointee.token(token).next)
                    }
                } catch {
                    failure = error
                }
                outcomes.withLock { $0[chunk] = (done, failure) }
            }
            let chunks = outcomes.withLock { $0 }
            if let failure = chunks.lazy.compactMap(\.error).first {
                for (chunk, outcome) in chunks.enumerated() {
                    (buffer.baseAddress! + chunk * size).deinitialize(count: outcome.done)
                }
                throw failure
            }
            initialized = count
        }
    }
}

