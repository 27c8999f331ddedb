/// Finds stop strings in streamed text without emitting text that might become one.
///
/// A state machine in the NIO style: feed each newly decoded piece of text and get back the text
/// that is safe to emit, and whether a stop string was hit. Text that could still grow into a stop
/// string is held back until it can't (or the stream ends with `finish()`).
public struct StopSequenceMatcher: Sendable {
    public enum Action: Equatable, Sendable {
        /// Emit this text and keep going.
        case emit(String)
        /// A stop string was found: emit the text before it, then stop.
        case stop(emitting: String, matched: String)
    }

    public let stops: [String]
    private var pending = ""

    public init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    public mutating func feed(_ text: String) -> Action {
        pending += text
        // Earliest complete stop string wins.
        var earliest: (range: Range<String.Index>, stop: String)?
        for s in stops {
            if let r = pending.range(of: s), earliest == nil || r.lowerBound < earliest!.range.lowerBound {
                earliest = (r, s)
            }
        }
        if let e = earliest {
            let before = String(pending[..<e.range.lowerBound])
            pending = ""
            return .stop(emitting: before, matched: e.stop)
        }
        // Hold back the longest suffix that is a proper prefix of some stop string.
        var hold = 0
        for s in stops {
            var n = min(s.count - 1, pending.count)
            while n > hold {
                if pending.hasSuffix(s.prefix(n)) { hold = n; break }
                n -= 1
            }
        }
        let cut = pending.index(pending.endIndex, offsetBy: -hold)
        let out = String(pending[..<cut])
        pending = String(pending[cut...])
        return .emit(out)
    }

    /// The stream ended: whatever was held back is plain text.
    public mutating func finish() -> String {
        defer { pending = "" }
        return pending
    }
}
