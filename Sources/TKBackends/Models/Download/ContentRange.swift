import Foundation

/// The `Content-Range` header of a 206 or 416 answer: `bytes 100-199/1000` or `bytes */1000`.
struct ContentRange: Equatable {
    /// First byte sent; nil in the `*/total` form a 416 uses.
    var start: Int64?
    var end: Int64?
    /// The full length; nil when the server wrote `*`.
    var total: Int64?

    init(start: Int64?, end: Int64?, total: Int64?) {
        self.start = start
        self.end = end
        self.total = total
    }

    init?(header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let halves = spec.split(separator: "/", maxSplits: 1).map(String.init)
        guard halves.count == 2 else { return nil }
        total = halves[1] == "*" ? nil : Int64(halves[1])
        if halves[0] == "*" {
            start = nil
            end = nil
        } else {
            let bounds = halves[0].split(separator: "-", maxSplits: 1).map(String.init)
            guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]) else { return nil }
            start = first
            end = last
        }
    }
}
