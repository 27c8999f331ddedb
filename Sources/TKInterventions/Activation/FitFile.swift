import Foundation

/// Reading and writing the JSON files fitted methods keep (ITI, steering, CAAD): sorted keys,
/// atomic writes, and errors that name the file and the command that makes one.
public protocol FitFile: Codable {
    /// What the file holds, with its article, for errors: "an ITI fit", "a steering fit".
    static var fileDescription: String { get }
    /// The command that creates one, for errors.
    static var fitCommand: String { get }
    /// Checks the decoded contents (throws `ActivationFitError(.badFile, …)`).
    func validate() throws
}

extension FitFile {
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func load(path: String) throws -> Self {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ActivationFitError(.badFile, "cannot read \(path) as \(fileDescription): \(error.localizedDescription)")
        }
        let fit: Self
        do { fit = try JSONDecoder().decode(Self.self, from: data) } catch let e as ActivationFitError {
            throw e
        } catch {
            throw ActivationFitError(.badFile, "\(path) is not \(fileDescription) (\(error)); create one with `\(fitCommand)`")
        }
        try fit.validate()
        return fit
    }
}
