import Crypto
import Foundation

/// SHA-256 of files read in 1 MiB pieces, so multi-gigabyte models never sit in memory whole.
public enum FileDigest {
    static let chunkSize = 1 << 20

    /// The hash state after reading the first `length` bytes of `url` (the whole file when nil).
    static func hasher(for url: URL, length: Int64? = nil) throws -> (SHA256, Int64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var read: Int64 = 0
        while length.map({ read < $0 }) ?? true {
            let want = length.map { Int(min(Int64(chunkSize), $0 - read)) } ?? chunkSize
            guard let data = try handle.read(upToCount: want), !data.isEmpty else { break }
            hasher.update(data: data)
            read += Int64(data.count)
        }
        return (hasher, read)
    }

    /// Lowercase hex SHA-256 and length of the file at `url`.
    public static func sha256(of url: URL) throws -> (hex: String, size: Int64) {
        let (hasher, size) = try hasher(for: url)
        return (hex(hasher.finalize()), size)
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// True when `text` is 64 hex digits.
    static func isValidSHA256(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy(\.isHexDigit)
    }
}
