import Foundation
import Testing
@testable import TKMetrics

@Test func timingScratch() throws {
    var g = SeededGenerator(seed: 3)
    let items = (0..<817).map { i in
        ItemScore(category: "c\(i % 38)", type: i % 2 == 0 ? "Adversarial" : "Non-Adversarial",
                  values: Dictionary(uniqueKeysWithValues: (0..<8).map { ("m\($0)", Double(g.index(below: 100)) / 100) }))
    }
    let start = Date()
    _ = try MetricsSummary(items: items)
    print("TIMING summary 8 metrics:", Date().timeIntervalSince(start))
}
