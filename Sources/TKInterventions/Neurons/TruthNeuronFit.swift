import Foundation

/// A Truth Neurons fit, as saved by `truthkit truth-neurons fit`: for every cross-validation fold,
/// the feed-forward neurons ranked by their mean integrated-gradients attribution to
/// `log p(true answer) − log p(false answer)` over that fold's training questions.
///
/// Held-out use is ITI's (`ITIFit`): `split` assigns each question to a fold, and fold f's
/// ranking may only be applied to `split.heldOut(fold: f)`. A fold may attribute a sample of its
/// training questions (`options.questionsPerFold`), recorded in `attributedQuestions`.
public struct TruthNeuronFit: SavedFit, Equatable {
    public static let displayName = "Truth Neurons fit"
    public static let fitCommand = "truthkit truth-neurons fit"
    public static let currentFormatVersion = 1
    public static let kind = "truthkit-truth-neurons-fit"

    public var formatVersion: Int
    public var kind: String
    public var model: ModelSignature
    /// Neurons per feed-forward layer.
    public var hiddenDim: Int
    /// Checksum of the data file the questions came from (`TruthfulQADataset.checksum`).
    public var dataChecksum: String
    /// The text before each answer, e.g. `Q: {question}\nA:`.
    public var promptTemplate: String
    public var options: TruthNeuronFitOptions
    public var split: QuestionFolds
    public var folds: [TruthNeuronFoldFit]
    /// Free-form provenance (data path, counts, seconds).
    public var metadata: [String: String]

    public init(model: ModelSignature, hiddenDim: Int, dataChecksum: String, promptTemplate: String, options: TruthNeuronFitOptions,
                split: QuestionFolds, folds: [TruthNeuronFoldFit], metadata: [String: String] = [:]) {
        formatVersion = Self.currentFormatVersion
        kind = Self.kind
        self.model = model
        self.hiddenDim = hiddenDim
        self.dataChecksum = dataChecksum
        self.promptTemplate = promptTemplate
        self.options = options
        self.split = split
        self.folds = folds
        self.metadata = metadata
    }

    /// Checks internal consistency: folds match the split, neurons in range and listed once, finite
    /// scores, and no fold attributed a question it holds out.
    public func validate() throws {
        try validateHeader()
        guard model.layers > 0, hiddenDim > 0 else { throw badFile("model shape is empty") }
        guard folds.count == split.count else { throw badFile("\(folds.count) fold fits for a \(split.count)-fold split") }
        for (i, f) in folds.enumerated() {
            guard f.fold == i else { throw badFile("fold fits are out of order (entry \(i) is fold \(f.fold))") }
            var seen = Set<Int>()
            for n in f.neurons {
                guard (0..<model.layers).contains(n.layer), (0..<hiddenDim).contains(n.index) else {
                    throw badFile("fold \(i) lists neuron \(n.layer).\(n.index), outside \(model.layers) layers × \(hiddenDim) neurons")
                }
                guard seen.insert(n.layer * hiddenDim + n.index).inserted else { throw badFile("fold \(i) lists neuron \(n.layer).\(n.index) twice") }
                guard n.score.isFinite else { throw badFile("neuron \(n.layer).\(n.index) has a score that is not finite") }
            }
            let heldOut = Set(split.heldOut(fold: i))
            if let leak = f.attributedQuestions.first(where: { heldOut.contains($0) }) {
                throw badFile("fold \(i) was fitted on question \(leak), which it holds out")
            }
        }
    }
}

/// Fold `fold`'s ranking.
public struct TruthNeuronFoldFit: Sendable, Codable, Equatable {
    public var fold: Int
    /// The training questions whose attributions were averaged.
    public var attributedQuestions: [Int]
    /// The best neurons, highest mean attribution first (ties: lower layer, then lower index).
    public var neurons: [TruthNeuron]

    public init(fold: Int, attributedQuestions: [Int], neurons: [TruthNeuron]) {
        self.fold = fold
        self.attributedQuestions = attributedQuestions
        self.neurons = neurons
    }
}

/// One feed-forward neuron and its mean attribution.
public struct TruthNeuron: Sendable, Codable, Equatable {
    public var layer: Int
    /// Column of the neuron in `blocks.L.ffn.act` (0..<hiddenDim).
    public var index: Int
    /// Mean attribution to log p(true) − log p(false) over the fold's attributed questions.
    public var score: Double

    public init(layer: Int, index: Int, score: Double) {
        self.layer = layer
        self.index = index
        self.score = score
    }
}

/// Settings of a Truth Neurons fit.
public struct TruthNeuronFitOptions: Sendable, Codable, Equatable {
    /// How the integration path scales the neurons.
    public enum Path: String, Sendable, Codable, CaseIterable {
        /// One layer at a time, the others untouched (knowledge neurons' recipe): layers × the passes.
        case perLayer = "per-layer"
        /// Every layer's neurons scaled together along one path: one set of passes for all.
        case joint
    }

    /// Trapezoid intervals of the integral (steps + 1 forward-backward passes per answer and path).
    public var steps: Int
    public var path: Path
    /// Training questions attributed per fold (a seeded sample); nil for all of them.
    public var questionsPerFold: Int?
    /// Neurons kept per fold, best first.
    public var keep: Int

    public init(steps: Int = 8, path: Path = .joint, questionsPerFold: Int? = nil, keep: Int = 2000) {
        self.steps = steps
        self.path = path
        self.questionsPerFold = questionsPerFold
        self.keep = keep
    }
}
