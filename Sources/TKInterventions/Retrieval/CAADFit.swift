import Foundation

/// A CAAD fit: one `ContextLogitStore` per fold, each read from truthful answers to questions of
/// that fold's training side only, with the model, the data checksum and the fold split recorded
/// (as `ITIFit`), so an evaluation scores each question with the store that never saw it.
public struct CAADFit: SavedFit, Equatable {
    public static let currentFormatVersion = 1
    public static let kind = "truthkit-caad-fit"

    public var formatVersion: Int
    public var kind: String
    public var model: ModelSignature
    public var dataChecksum: String
    /// How each stored context was built (the evaluation's prompt preset, then the answer).
    public var promptTemplate: String
    /// Questions whose truthful answers fill each fold's store.
    public var questionsPerFold: Int
    public var split: QuestionFolds
    /// Fold f's store (read from questions outside fold f).
    public var stores: [ContextLogitStore]
    public var metadata: [String: String]

    public init(model: ModelSignature, dataChecksum: String, promptTemplate: String, questionsPerFold: Int, split: QuestionFolds,
                stores: [ContextLogitStore], metadata: [String: String] = [:]) {
        formatVersion = Self.currentFormatVersion
        kind = Self.kind
        self.model = model
        self.dataChecksum = dataChecksum
        self.promptTemplate = promptTemplate
        self.questionsPerFold = questionsPerFold
        self.split = split
        self.stores = stores
        self.metadata = metadata
    }

    /// Fold `fold`'s store, checked to exist.
    public func store(fold: Int) throws -> ContextLogitStore {
        guard stores.indices.contains(fold) else {
            throw ActivationFitError(.unknownLocation, "caad: fold \(fold) does not exist; the fit has folds 0…\(stores.count - 1)")
        }
        return stores[fold]
    }

    /// Checks internal consistency: one store per fold, no store holding a question its fold is
    /// evaluated on, rows of the model's width and vocabulary, finite values.
    public func validate() throws {
        try validateHeader()
        guard stores.count == split.count else { throw badFile("\(stores.count) stores for a \(split.count)-fold split") }
        for (f, s) in stores.enumerated() {
            guard s.questions.count == s.count, s.logits.count == s.count else { throw badFile("fold \(f)'s store has lists of different lengths") }
            guard s.count > 0 else { throw badFile("fold \(f)'s store is empty") }
            let heldOut = Set(split.heldOut(fold: f))
            if let leak = s.questions.first(where: { heldOut.contains($0) }) { throw badFile("fold \(f)'s store was read from question \(leak), which it holds out") }
            guard s.embeddings.allSatisfy({ $0.count == model.dim && $0.allSatisfy(\.isFinite) }) else { throw badFile("fold \(f) has an embedding that is not \(model.dim) finite values") }
            let vocab = s.logits[0].count
            guard vocab > 0, s.logits.allSatisfy({ $0.count == vocab && $0.allSatisfy(\.isFinite) }) else { throw badFile("fold \(f) has logit rows of different lengths or non-finite values") }
        }
    }

    public static let displayName = "CAAD fit"
    public static let fitCommand = "truthkit caad fit"
}
