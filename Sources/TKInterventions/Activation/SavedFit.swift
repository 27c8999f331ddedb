import Foundation

/// A fitted intervention saved as JSON (ITI, steering, Truth Neurons, GrAInS): one way to write,
/// read back with validation, and digest every kind of fit.
public protocol SavedFit: Codable, Sendable {
    /// What the fit is called in messages, e.g. "ITI fit".
    static var displayName: String { get }
    /// The command that writes one, e.g. "truthkit iti fit".
    static var fitCommand: String { get }
    /// The `kind` every file of this type carries, e.g. "truthkit-iti-fit".
    static var kind: String { get }
    /// The file format this build reads and writes.
    static var currentFormatVersion: Int { get }
    /// Read back from the file: must equal the static `kind` and `currentFormatVersion`.
    var kind: String { get }
    var formatVersion: Int { get }
    /// The checksum of the data the fit (and its fold split) was made from.
    var dataChecksum: String { get }
    /// Checks internal consistency; throws `ActivationFitError(.badFile, …)`.
    func validate() throws
}

extension SavedFit {
    /// Writes the fit as JSON with sorted keys (stable bytes, so the digest is stable).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads and validates a fit; errors name the file and the command that makes one.
    public static func load(path: String) throws -> Self {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ActivationFitError(.badFile, "cannot read \(displayName) \(path): \(error.localizedDescription); create one with `\(fitCommand)`")
        }
        let fit: Self
        do { fit = try JSONDecoder().decode(Self.self, from: data) } catch let e as ActivationFitError {
            throw e
        } catch {
            throw ActivationFitError(.badFile, "\(path) is not a \(displayName) (\(error)); create one with `\(fitCommand)`")
        }
        try fit.validate()
        return fit
    }

    /// A short content digest (FNV-1a 64 of the canonical JSON), recorded in intervention settings
    /// so two runs with different fits never share a fingerprint.
    public var digest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return contentDigest((try? encoder.encode(self)) ?? Data())
    }

    /// Throws `.incompatibleData` unless the run uses the data (`checksum`) the fit was made from.
    public func checkData(checksum: String) throws {
        guard checksum == dataChecksum else {
            throw ActivationFitError(.incompatibleData, "this \(Self.displayName) was made from data with checksum \(dataChecksum), but the run uses \(checksum); its fold split would not match the questions. Fit again on the data this run uses (`\(Self.fitCommand) --data FILE` or `--data-version V`; the generation task reads v0 by default)")
        }
    }

    /// The error `validate()` throws for a damaged file, naming the fit type.
    func badFile(_ text: String) -> ActivationFitError {
        ActivationFitError(.badFile, "\(Self.displayName): \(text); the file is damaged or not a \(Self.displayName), so fit again")
    }

    /// The first checks of every `validate()`: the file's kind and format version.
    func validateHeader() throws {
        guard kind == Self.kind else { throw badFile("kind is '\(kind)', expected '\(Self.kind)'") }
        guard formatVersion == Self.currentFormatVersion else { throw badFile("format version \(formatVersion) is not supported (this build reads \(Self.currentFormatVersion))") }
    }
}
