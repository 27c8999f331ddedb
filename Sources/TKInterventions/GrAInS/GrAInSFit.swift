import Foundation

/// A GrAInS fit, as saved by `truthkit grains fit`: for every cross-validation fold, a unit
/// steering direction for the residual stream after one layer, from the activation change that
/// ablating each training question's most attributed prompt tokens causes.
///
/// Held-out use is ITI's (`ITIFit`): fold f's direction is applied only to `split.heldOut(fold: f)`.
public struct GrAInSFit: SavedFit, Equatable {
    public static let displayName = "GrAInS fit"
    public static let fitCommand = "truthkit grains fit"
    public static let currentFormatVersion = 1
    public static let kind = "truthkit-grains-fit"

    public var formatVersion: Int
    public var kind: String
    public var model: ModelSignature
    public var dataChecksum: String
    public var promptTemplate: String
    public var options: GrAInSFitOptions
    public var split: QuestionFolds
    public var folds: [GrAInSFoldFit]
    public var metadata: [String: String]

    public init(model: ModelSignature, dataChecksum: String, promptTemplate: String, options: GrAInSFitOptions, split: QuestionFolds,
                folds: [GrAInSFoldFit], metadata: [String: String] = [:]) {
        formatVersion = Self.currentFormatVersion
        kind = Self.kind
        self.model = model
        self.dataChecksum = dataChecksum
        self.promptTemplate = promptTemplate
        self.options = options
        self.split = split
        self.folds = folds
        self.metadata = metadata
    }

    public func validate() throws {
        try validateHeader()
        guard (0..<model.layers).contains(options.layer) else { throw badFile("layer \(options.layer) is outside the model's \(model.layers) layers") }
        guard folds.count == split.count else { throw badFile("\(folds.count) fold fits for a \(split.count)-fold split") }
        for (i, f) in folds.enumerated() {
            guard f.fold == i else { throw badFile("fold fits are out of order (entry \(i) is fold \(f.fold))") }
            guard f.direction.count == model.dim, f.direction.allSatisfy(\.isFinite) else {
                throw badFile("fold \(i)'s direction has \(f.direction.count) values (the model's residual stream has \(model.dim)) or a value that is not finite")
            }
            let heldOut = Set(split.heldOut(fold: i))
            if let leak = f.attributedQuestions.first(where: { heldOut.contains($0) }) {
                throw badFile("fold \(i) was fitted on question \(leak), which it holds out")
            }
        }
    }
}

/// Fold `fold`'s direction.
public struct GrAInSFoldFit: Sendable, Codable, Equatable {
    public var fold: Int
    public var attributedQuestions: [Int]
    /// Unit vector (`dim`): the first principal direction (uncentred) of the activation changes,
    /// signed to agree with their mean; zeros when no change was seen.
    public var direction: [Float]
    /// Mean norm of the activation changes, for scale.
    public var meanChangeNorm: Double

    public init(fold: Int, attributedQuestions: [Int], direction: [Float], meanChangeNorm: Double) {
        self.fold = fold
        self.attributedQuestions = attributedQuestions
        self.direction = direction
        self.meanChangeNorm = meanChangeNorm
    }
}

/// Settings of a GrAInS fit (the reference's defaults, except the layer: it uses 31 of
/// Llama-3.1-8B's 32 blocks; the default here is the block three quarters of the way up).
public struct GrAInSFitOptions: Sendable, Codable, Equatable {
    /// The block after which the residual stream is read and, later, steered.
    public var layer: Int
    /// Prompt tokens ablated on each side: the k with the highest and the k with the lowest attribution.
    public var topK: Int
    /// Integration nodes per decade of α (`IntegratedGradients.nodesNearZeroBaseline`).
    public var steps: Int
    /// Training questions used per fold (a seeded sample; the reference uses 50 pairs).
    public var questionsPerFold: Int?

    public init(layer: Int, topK: Int = 10, steps: Int = 8, questionsPerFold: Int? = 50) {
        self.layer = layer
        self.topK = topK
        self.steps = steps
        self.questionsPerFold = questionsPerFold
    }
}
