import Crypto
import Foundation

/// Reading data files whole, and hashing them, with errors that say what to do.
///
/// The largest pinned file is 1.3 MB, so reading it into memory at once is the simple choice.
enum DataFile {
    /// The bytes of the file at `url`.
    ///
    /// - Throws: `DatasetError` `fileNotFound` or `unreadableFile`.
    static func read(_ url: URL) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DatasetError(
                .fileNotFound, file: url.path,
                "no such file. Check the path, or install the TruthfulQA files with `truthkit data pull truthfulqa`."
            )
        }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw DatasetError(
                .unreadableFile, file: url.path,
                "cannot be read (\(error.localizedDescription)). Check that it is a file you may read."
            )
        }
    }

    /// Lowercase hex SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
