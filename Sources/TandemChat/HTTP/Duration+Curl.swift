extension Duration {
    /// Whole milliseconds, rounded up and at least 1: libcurl reads 0 as "no timeout".
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (milliseconds, remainder) = attoseconds.quotientAndRemainder(dividingBy: perMillisecond)
        let total = seconds * 1000 + milliseconds + (remainder > 0 ? 1 : 0)
        return Int(Swift.max(total, 1))
    }

    /// Whole seconds, rounded up and at least 1, for options that take seconds.
    var curlWholeSeconds: Int {
        (curlMilliseconds + 999) / 1000
    }

    /// Seconds for humans: "30 s", "0.3 s".
    var curlDescription: String {
        let milliseconds = curlMilliseconds
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
