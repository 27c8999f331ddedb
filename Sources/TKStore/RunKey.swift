import Crypto
import Foundation
import TKEvalCore

/// Everything that decides a run's results, and so which stored run a new evaluation can reuse.
///
/// Two evaluations with equal keys must produce identical item results; anything that could
/// change a result and is not one of the named parts (prompt preset, few-shot count, item limit,
/// interventions, seed, sampling settings, backend options) belongs in `settings`. Leaving one
/// out makes a changed evaluation silently reuse old results; adding one that does not matter
/// only costs a re-run.
///
/// The stored key is `digest`: the SHA-256 of the canonical JSON object
/// `{"dataChecksum":…,"modelFingerprint":…,"settings":{…},"task":…,"taskVersion":…}` (see
/// `canonicalJSON` for the exact bytes). The model *name* is recorded but not hashed: the
/// fingerprint already identifies the weights and backend, and the same file pulled under two
/// names gives the same answers.
public struct RunKey: Sendable, Codable, Equatable, Hashable {
    /// The model's display name (not part of the digest).
    public var modelName: String
    /// `ModelIdentity.fingerprint`: weights hash, backend and interventions.
    public var modelFingerprint: String
    /// Task id, for example `truthfulqa_mc`.
    public var task: String
    /// The task's version; bump it whenever the task's prompts or scoring change.
    public var taskVersion: String
    /// Checksum (SHA-256 hex) of the data file the items came from.
    public var dataChecksum: String
    /// Every other setting that affects results, as strings.
    public var settings: [String: String]

    public init(
        modelName: String, modelFingerprint: String, task: String, taskVersion: String,
        dataChecksum: String, settings: [String: String] = [:]
    ) {
        self.modelName = modelName
        self.modelFingerprint = modelFingerprint
        self.task = task
        self.taskVersion = taskVersion
        self.dataChecksum = dataChecksum
        self.settings = settings
    }

    /// A key for `model`, taking its name and fingerprint.
    public init(model: ModelIdentity, task: String, taskVersion: String, dataChecksum: String, settings: [String: String] = [:]) {
        self.init(
            modelName: model.name, modelFingerprint: model.fingerprint, task: task, taskVersion: taskVersion,
            dataChecksum: dataChecksum, settings: settings
        )
    }

    /// The canonical bytes the digest is computed over: a JSON object with no whitespace, keys
    /// sorted by their UTF-8 bytes, strings escaped only where JSON requires (`"`, `\`, control
    /// characters), and non-ASCII written as raw UTF-8 without normalisation. These are the bytes
    /// of Python's `json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`,
    /// so other tools can recompute a run's key.
    public var canonicalJSON: Data {
        Data(CanonicalJSON.encode(.object([
            "dataChecksum": .string(dataChecksum),
            "modelFingerprint": .string(modelFingerprint),
            "settings": .object(settings.mapValues { .string($0) }),
            "task": .string(task),
            "taskVersion": .string(taskVersion),
        ])))
    }

    /// Lowercase hex SHA-256 of `canonicalJSON`: the run's identity in the store.
    public var digest: String {
        SHA256.hash(data: canonicalJSON).map { String(format: "%02x", $0) }.joined()
    }
}
