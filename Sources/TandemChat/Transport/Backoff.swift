/// Exponential backoff with full jitter: after the n-th failure in a row wait a random time in
/// [0, min(cap, base · 2ⁿ)], so many bots that failed together do not retry together.
public struct Backoff: Sendable {
    public var base: Duration
    public var cap: Duration
    public private(set) var failures = 0

    public init(base: Duration = .milliseconds(250), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// Records a failure and returns how long to wait; a server's own wait (Retry-After) is a floor.
    public mutating func next(atLeast floor: Duration = .zero, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(failures, 20)
        failures += 1
        let ceiling = min(cap, base * (1 << exponent))
        return max(floor, ceiling * random)
    }

    public mutating func reset() { failures = 0 }
}
