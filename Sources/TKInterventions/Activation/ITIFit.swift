import Foundation
import TKEngine

/// A fitted inference-time intervention (ITI), as saved by `truthkit iti fit`: for every
/// cross-validation fold, every attention head ranked by its probe's validation accuracy, with the
/// head's truthful direction and the spread σ of activations along it.
///
/// ## Held-out evaluation
///
/// `split` assigns each question to one fold. `folds[f]` was fitted only on the questions *not* in
/// fold f (`trainingQuestions(fold:)`): probes, head ranking, directions and σ all come from them.
/// A held-out score therefore applies `ITIIntervention(fit:, fold: f, …)` only to the questions in
/// `heldOutQuestions(fold: f)`, for every f, and pools the per-question results; every question is
/// then scored exactly once, by a fit that never saw it. Scoring a question with the fit of its own
/// fold's complement is the only valid use on this data — `checkHeldOut(question:fold:)` enforces it.
///
/// The reference implementation (honest_llama) computes σ over all questions, test fold included;
/// here σ uses training-fold activations only.
public struct ITIFit: SavedFit, Equatable {
    public static let displayName = "ITI fit"
    public static let fitCommand = "truthkit iti fit"
    public static let currentFormatVersion = 1
    public static let kind = "truthkit-iti-fit"

    public var formatVersion: Int
    public var kind: String
    public var model: ModelSignature
    /// Checksum of the data file the examples came from (`TruthfulQADataset.checksum`).
    public var dataChecksum: String
    /// How each example's text was built, e.g. `Q: {question} A: {answer}`.
    public var promptTemplate: String
    public var options: ITIFitOptions
    public var split: QuestionFolds
    public var folds: [ITIFoldFit]
    /// Free-form provenance (tool version, data path, language, example counts).
    public var metadata: [String: String]

    public init(model: ModelSignature, dataChecksum: String, promptTemplate: String, options: ITIFitOptions,
                split: QuestionFolds, folds: [ITIFoldFit], metadata: [String: String] = [:]) {
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

    /// Questions fold `fold`'s fit may be evaluated on (it never saw them).
    public func heldOutQuestions(fold: Int) -> [Int] { split.heldOut(fold: fold) }

    /// Questions fold `fold`'s fit was fitted on.
    public func trainingQuestions(fold: Int) -> [Int] { split.training(fold: fold) }

    /// The fold whose fit may score `question` (the fold the question is held out in).
    public func fold(holdingOut question: Int) -> Int? { split.assignment[question] }

    /// Throws unless `question` is held out from fold `fold`'s fit.
    public func checkHeldOut(question: Int, fold: Int) throws {
        guard let f = split.assignment[question] else {
            throw ActivationFitError(.incompatibleData, "question \(question) is not in this ITI fit's data; fit on the data you evaluate")
        }
        guard f == fold else {
            throw ActivationFitError(.incompatibleData, "question \(question) was used to fit fold \(fold); score it with fold \(f)'s fit, which held it out")
        }
    }

    /// Checks the fit against a model (shape, name and — when given — fingerprint).
    public func checkModel(_ model: TransformerModel, fingerprint: String? = nil) throws {
        try self.model.check(against: model, fingerprint: fingerprint, what: "this ITI fit")
    }

    /// Checks internal consistency: folds match the split, every head is in range with a direction
    /// of `headDim` finite values and a finite σ ≥ 0, and no head is listed twice in a fold.
    public func validate() throws {
        try validateHeader()
        guard model.layers > 0, model.heads > 0, model.headDim > 0 else { throw badFile("model shape is empty") }
        guard folds.count == split.count else { throw badFile("\(folds.count) fold fits for a \(split.count)-fold split") }
        for (i, f) in folds.enumerated() {
            guard f.fold == i else { throw badFile("fold fits are out of order (entry \(i) is fold \(f.fold))") }
            guard !f.heads.isEmpty else { throw badFile("fold \(i) has no heads") }
            var seen = Set<Int>()
            for h in f.heads {
                guard (0..<model.layers).contains(h.layer), (0..<model.heads).contains(h.head) else {
                    throw badFile("fold \(i) lists head \(h.layer).\(h.head), outside \(model.layers) layers × \(model.heads) heads")
                }
                guard seen.insert(h.layer * model.heads + h.head).inserted else { throw badFile("fold \(i) lists head \(h.layer).\(h.head) twice") }
                guard h.direction.count == model.headDim else { throw badFile("head \(h.layer).\(h.head) has a direction of \(h.direction.count) values, not \(model.headDim)") }
                guard h.direction.allSatisfy(\.isFinite), h.sigma.isFinite, h.sigma >= 0 else { throw badFile("head \(h.layer).\(h.head) has a value that is not finite") }
            }
            let heldOut = Set(split.heldOut(fold: i))
            if let leak = (f.probeTrainingQuestions + f.probeValidationQuestions).first(where: { heldOut.contains($0) }) {
                throw badFile("fold \(i) was fitted on question \(leak), which it holds out")
            }
        }
    }

}

/// Fold `fold`'s fit: every head ranked best first.
public struct ITIFoldFit: Sendable, Codable, Equatable {
    public var fold: Int
    /// Questions the probes were trained on, and those their accuracy was measured on (both
    /// inside the training fold); directions and σ use both.
    public var probeTrainingQuestions: [Int]
    public var probeValidationQuestions: [Int]
    /// All heads, best validation accuracy first (ties: lower layer, then lower head, first).
    public var heads: [ITIHead]

    public init(fold: Int, probeTrainingQuestions: [Int], probeValidationQuestions: [Int], heads: [ITIHead]) {
        self.fold = fold
        self.probeTrainingQuestions = probeTrainingQuestions
        self.probeValidationQuestions = probeValidationQuestions
        self.heads = heads
    }
}

/// One attention head's probe result and intervention vector.
public struct ITIHead: Sendable, Codable, Equatable {
    public var layer: Int
    public var head: Int
    public var validationAccuracy: Double
    public var trainingAccuracy: Double
    /// Unit mass-mean direction: mean(true) − mean(false) over training-fold answers, normalised
    /// (all zeros when the two means coincide).
    public var direction: [Float]
    /// Standard deviation of training-fold activations projected on `direction`.
    public var sigma: Float

    public init(layer: Int, head: Int, validationAccuracy: Double, trainingAccuracy: Double, direction: [Float], sigma: Float) {
        self.layer = layer
        self.head = head
        self.validationAccuracy = validationAccuracy
        self.trainingAccuracy = trainingAccuracy
        self.direction = direction
        self.sigma = sigma
    }
}

/// Settings of an ITI fit.
public struct ITIFitOptions: Sendable, Codable, Equatable {
    /// Fraction of a fold's training questions held back to rank the probes (the reference's `val_ratio`).
    public var validationFraction: Double
    /// λ of the probes' L2 penalty on standardised activations (scikit-learn's 1/C).
    public var l2: Double

    public init(validationFraction: Double = 0.2, l2: Double = 1) {
        self.validationFraction = validationFraction
        self.l2 = l2
    }
}

/// FNV-1a 64 of `data`, as 16 hex digits.
func contentDigest(_ data: Data) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3  // wrapping multiply is the FNV definition
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
