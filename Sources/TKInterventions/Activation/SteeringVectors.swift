import Foundation
import TKEngine

/// Steering vectors as saved by `truthkit steer fit`: for every cross-validation fold, one
/// mean-difference vector per chosen layer, mean(true) − mean(false) of the residual stream after
/// that block at each answer's last token, over the fold's training questions only.
///
/// Held-out use follows `ITIFit`: fold f's vectors are applied only to `heldOutQuestions(fold: f)`.
public struct SteeringFit: SavedFit, Equatable {
    public static let displayName = "steering fit"
    public static let fitCommand = "truthkit steer fit"
    public static let currentFormatVersion = 1
    public static let kind = "truthkit-steering-fit"

    public var formatVersion: Int
    public var kind: String
    public var model: ModelSignature
    public var dataChecksum: String
    public var promptTemplate: String
    public var layers: [Int]
    public var split: QuestionFolds
    public var folds: [SteeringFoldFit]
    public var metadata: [String: String]

    public init(model: ModelSignature, dataChecksum: String, promptTemplate: String, layers: [Int], split: QuestionFolds,
                folds: [SteeringFoldFit], metadata: [String: String] = [:]) {
        formatVersion = Self.currentFormatVersion
        kind = Self.kind
        self.model = model
        self.dataChecksum = dataChecksum
        self.promptTemplate = promptTemplate
        self.layers = layers
        self.split = split
        self.folds = folds
        self.metadata = metadata
    }

    public func heldOutQuestions(fold: Int) -> [Int] { split.heldOut(fold: fold) }
    public func trainingQuestions(fold: Int) -> [Int] { split.training(fold: fold) }

    /// Fold `fold`'s vectors, ready for `SteeringIntervention`.
    public func vectors(fold: Int) throws -> SteeringVectors {
        guard (0..<folds.count).contains(fold) else {
            throw ActivationFitError(.unknownLocation, "the steering fit has folds 0...\(folds.count - 1), not fold \(fold)")
        }
        return SteeringVectors(model: model, dataChecksum: dataChecksum, fold: fold, vectors: folds[fold].vectors)
    }

    public func validate() throws {
        try validateHeader()
        guard folds.count == split.count else { throw badFile("\(folds.count) fold fits for a \(split.count)-fold split") }
        for (i, f) in folds.enumerated() {
            guard f.fold == i else { throw badFile("fold fits are out of order (entry \(i) is fold \(f.fold))") }
            do { try SteeringVectors(model: model, dataChecksum: dataChecksum, fold: i, vectors: f.vectors).validate() } catch let e as ActivationFitError {
                throw badFile(e.message)
            }
            let heldOut = Set(split.heldOut(fold: i))
            if let leak = f.trainingQuestions.first(where: { heldOut.contains($0) }) { throw badFile("fold \(i) was fitted on question \(leak), which it holds out") }
        }
    }
}

/// One fold's vectors and the questions they came from.
public struct SteeringFoldFit: Sendable, Codable, Equatable {
    public var fold: Int
    public var trainingQuestions: [Int]
    public var vectors: [SteeringVector]

    public init(fold: Int, trainingQuestions: [Int], vectors: [SteeringVector]) {
        self.fold = fold
        self.trainingQuestions = trainingQuestions
        self.vectors = vectors
    }
}

/// A vector added to the residual stream after block `layer`.
public struct SteeringVector: Sendable, Codable, Equatable {
    public var layer: Int
    public var values: [Float]

    public init(layer: Int, values: [Float]) {
        self.layer = layer
        self.values = values
    }

    public var norm: Float { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

/// A set of steering vectors for one model (one fold of a `SteeringFit`, or built by hand).
public struct SteeringVectors: Sendable, Codable, Equatable {
    public var model: ModelSignature
    public var dataChecksum: String?
    public var fold: Int?
    public var vectors: [SteeringVector]

    public init(model: ModelSignature, dataChecksum: String? = nil, fold: Int? = nil, vectors: [SteeringVector]) {
        self.model = model
        self.dataChecksum = dataChecksum
        self.fold = fold
        self.vectors = vectors
    }

    /// Every vector names a layer of the model, once, with `dim` finite values.
    public func validate() throws {
        guard !vectors.isEmpty else { throw ActivationFitError(.invalidInput, "no steering vectors; give at least one layer") }
        var seen = Set<Int>()
        for v in vectors {
            guard (0..<model.layers).contains(v.layer) else {
                throw ActivationFitError(.unknownLocation, "steering layer \(v.layer) does not exist; the model has layers 0...\(model.layers - 1)")
            }
            guard seen.insert(v.layer).inserted else { throw ActivationFitError(.invalidInput, "layer \(v.layer) has two steering vectors; give one per layer") }
            guard v.values.count == model.dim else {
                throw ActivationFitError(.incompatibleModel, "the steering vector for layer \(v.layer) has \(v.values.count) values but the residual stream has \(model.dim)")
            }
            guard v.values.allSatisfy(\.isFinite) else { throw ActivationFitError(.invalidInput, "the steering vector for layer \(v.layer) has a value that is not finite") }
        }
    }
}
