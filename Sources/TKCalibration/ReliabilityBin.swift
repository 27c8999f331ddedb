/// One bar of a reliability diagram: the mean confidence and the accuracy of the predictions in
/// a bin, and how many there are.
public struct ReliabilityBin: Sendable, Codable, Equatable {
    /// Mean confidence of the bin's predictions.
    public var confidence: Double
    /// Fraction of the bin's predictions that were correct.
    public var accuracy: Double
    public var count: Int

    public init(confidence: Double, accuracy: Double, count: Int) {
        self.confidence = confidence
        self.accuracy = accuracy
        self.count = count
    }
}
