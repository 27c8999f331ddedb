import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1 for what an HTTP client library will not do: send half a
/// request head, hold a connection idle, send header bytes as they are. Blocking calls run on a
/// thread of their own, never on Swift's cooperative pool that the server also uses.
final class RawConnection: @unchecked Sendable {
    struct Failed: Error, CustomStringConvertible { var description: String }

    private let fd: Int32

    /// What a read saw.
    enum ReadResult: Equatable {
        /// Bytes arrived (as many as one `recv` returned, up to a whole response).
        case data(String)
        /// The server closed the connection.
        case closed
        /// Nothing within the receive timeout.
        case silent
    }

    init(port: Int) async throws {
        fd = try await Self.blocking {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failed(description: "socket() failed") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(fd)
                throw Failed(description: "connect to 127.0.0.1:\(port) failed (errno \(errno))")
            }
            return fd
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) async throws {
        let fd = fd
        try await Self.blocking {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw Failed(description: "send failed (errno \(errno))") }
                sent += n
            }
        }
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Reads until a whole response (head and `Content-Length` body) has arrived, the server
    /// closes, or nothing comes for `timeout` (a guard against hanging, not a budget).
    func read(timeout: Duration) async throws -> ReadResult {
        let fd = fd
        return try await Self.blocking {
            let seconds = timeout.components.seconds
            var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    received += buffer[0..<n]
                    let text = String(decoding: received, as: UTF8.self)
                    if Self.isComplete(text) { return .data(text) }
                    continue
                }
                if n == 0 { return received.isEmpty ? .closed : .data(String(decoding: received, as: UTF8.self)) }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    return received.isEmpty ? .silent : .data(String(decoding: received, as: UTF8.self))
                }
                if errno == ECONNRESET { return .closed }
                throw Failed(description: "recv failed (errno \(errno))")
            }
        }
    }

    private static func isComplete(_ text: String) -> Bool {
        guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<headEnd.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return true }
        return text[headEnd.upperBound...].utf8.count >= length
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }
}
