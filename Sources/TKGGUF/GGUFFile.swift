import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed GGUF file: its metadata and tensor directory (the weights themselves are not read).
///
/// Versions 2 and 3 are supported (64-bit counts, little-endian). Parsing validates every count,
/// type tag, tensor shape and data range, so a truncated or corrupted file fails with a
/// `GGUFError` naming the offset, key or tensor, and never traps. Only the header is read; the
/// Kernels module maps the tensor bytes using `GGUFTensorInfo.fileOffset` and `byteCount`.
public struct GGUFFile: Sendable {
    public static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian
    public static let defaultAlignment = 32
    /// Versions this build reads. Version 1 used 32-bit counts and was replaced in 2023.
    public static let supportedVersions: ClosedRange<UInt32> = 2...3
    /// Deepest array nesting accepted; real files nest at most 2 deep.
    static let maxArrayDepth = 8
    /// Upper bound on up-front reservations, so a corrupted count cannot reserve gigabytes before
    /// the bytes behind it are found missing.
    static let maxReservation = 1 << 16

    public private(set) var version: UInt32
    /// Metadata in file order.
    public private(set) var metadata: [(key: String, value: GGUFValue)]
    /// Tensor directory in file order.
    public private(set) var tensors: [GGUFTensorInfo]
    /// Alignment of tensor data: `general.alignment`, or 32 when absent.
    public private(set) var alignment: Int
    /// Absolute offset of the data section (start of tensor bytes).
    public private(set) var dataOffset: Int
    /// Size of the whole file in bytes.
    public private(set) var fileSize: Int
    /// Where the file was read from; nil for in-memory images.
    public private(set) var path: String?

    private var keyIndex: [String: Int]
    private var tensorIndex: [String: Int]

    /// Opens and parses the GGUF file at `path`.
    ///
    /// Throws `.fileNotFound` when nothing is there, `.unreadable` for a directory, a FIFO, a
    /// device or socket, or a file that cannot be opened, and the parse errors of `init(bytes:)` with `path` filled in.
    public init(path: String) throws(GGUFError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GGUFError(.fileNotFound, "no such file; check the path, or fetch a model with `truthkit models pull`", path: path)
        }
        guard !isDirectory.boolValue else {
            throw GGUFError(.unreadable, "is a directory; pass the .gguf file inside it", path: path)
        }
        // Opening a FIFO blocks until a writer appears, and a device never ends: refuse anything
        // but a regular file (symbolic links are followed) before opening it.
        if let kind = Self.nonRegularKind(path) {
            throw GGUFError(.unreadable, "is \(kind), not a regular file; pass the path of a downloaded .gguf file", path: path)
        }
        let handle: FileHandle
        let size: Int
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            size = Int(try handle.seekToEnd())
        } catch {
            throw GGUFError(.unreadable, "cannot open file: \(error.localizedDescription); check its permissions", path: path)
        }
        defer { try? handle.close() }
        var cursor = ByteCursor(handle: handle, length: size)
        do {
            try self.init(cursor: &cursor)
        } catch {
            throw error.with(path: path)
        }
        self.path = path
    }

    /// What kind of non-regular file `path` is ("a FIFO (named pipe)", "a character device", …),
    /// following symbolic links; nil for a regular file or when it cannot be examined (opening it
    /// then reports the real problem).
    static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a directory"
        default: return "of an unknown file type"
        }
    }

    /// Parses a GGUF image held in memory (used by tests and the fuzzer).
    public init(bytes: [UInt8]) throws(GGUFError) {
        var cursor = ByteCursor(bytes: bytes)
        try self.init(cursor: &cursor)
    }

    private init(cursor: inout ByteCursor) throws(GGUFError) {
        let magic = try cursor.readLE(UInt32.self, "magic")
        guard magic == Self.magic else {
            throw GGUFError(.badMagic, "not a GGUF file (magic 0x\(String(magic, radix: 16)), expected 0x\(String(Self.magic, radix: 16)) 'GGUF'); is this a safetensors or PyTorch checkpoint? Convert it with llama.cpp's convert_hf_to_gguf.py", offset: 0)
        }
        version = try cursor.readLE(UInt32.self, "version")
        guard Self.supportedVersions.contains(version) else {
            if Self.supportedVersions.contains(version.byteSwapped) {
                throw GGUFError(.unsupportedVersion, "big-endian GGUF (version \(version.byteSwapped) stored byte-swapped); this build reads little-endian files only. Convert it with gguf-convert-endian, or download the little-endian file", offset: 4)
            }
            throw GGUFError(.unsupportedVersion, "GGUF version \(version) is not supported (this build reads versions 2 and 3); re-convert the model with a current llama.cpp", offset: 4)
        }
        // A tensor entry needs at least 8 (name length) + 4 (dims) + 8 (one dim) + 4 (type) + 8
        // (offset) bytes; a KV pair at least 8 (key length) + 4 (type) + 1 (smallest value).
        let tensorCount = try cursor.readCount(minBytesPerItem: 32, "tensor count")
        let kvCount = try cursor.readCount(minBytesPerItem: 13, "metadata count")

        metadata = []
        metadata.reserveCapacity(min(kvCount, Self.maxReservation))
        keyIndex = [:]
        var alignmentOffset: Int?
        for i in 0..<kvCount {
            let keyOffset = cursor.offset
            let key = try cursor.readString("key of metadata entry \(i)")
            guard keyIndex[key] == nil else {
                throw GGUFError(.duplicateKey, "metadata key appears twice (entry \(i)); the file is corrupted", offset: keyOffset, key: key)
            }
            let value: GGUFValue
            do {
                let rawType = try cursor.readLE(UInt32.self, "type of '\(key)'")
                value = try Self.readValue(rawType: rawType, cursor: &cursor, depth: 0)
            } catch {
                var e = error
                e.key = key
                throw e
            }
            if key == "general.alignment" { alignmentOffset = keyOffset }
            keyIndex[key] = metadata.count
            metadata.append((key, value))
        }

        var alignment = Self.defaultAlignment
        if let i = keyIndex["general.alignment"] {
            guard let a = metadata[i].value.intValue, a > 0, a <= 1 << 20, a & (a - 1) == 0 else {
                throw GGUFError(.wrongValueType, "general.alignment must be a power of two up to 1 MiB, found \(metadata[i].value.rendered()) (\(metadata[i].value.type)); the file is corrupted", offset: alignmentOffset, key: "general.alignment")
            }
            alignment = a
        }
        self.alignment = alignment

        var rawTensors: [(name: String, shape: [Int], type: GGUFTensorType, rel: Int, at: Int)] = []
        rawTensors.reserveCapacity(min(tensorCount, Self.maxReservation))
        tensorIndex = [:]
        for i in 0..<tensorCount {
            let entryOffset = cursor.offset
            let name = try cursor.readString("name of tensor \(i)")
            guard tensorIndex[name] == nil else {
                throw GGUFError(.invalidTensor, "tensor name appears twice (entry \(i)); the file is corrupted", offset: entryOffset, tensor: name)
            }
            let dimCount = try cursor.readLE(UInt32.self, "dimension count of '\(name)'")
            guard (1...4).contains(dimCount) else {
                throw GGUFError(.invalidTensor, "has \(dimCount) dimensions; GGUF tensors have 1 to 4; the file is corrupted", offset: entryOffset, tensor: name)
            }
            var shape: [Int] = []
            var elements = 1
            for d in 0..<Int(dimCount) {
                let raw = try cursor.readLE(UInt64.self, "dimension \(d) of '\(name)'")
                guard raw > 0, raw < 1 << 40 else {
                    throw GGUFError(.invalidTensor, "dimension \(d) is \(raw); the file is corrupted", offset: entryOffset, tensor: name)
                }
                // Each factor is below 2^40 and the running product below 2^44, so this cannot
                // overflow; the check is kept so the bound lives in one place.
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
                guard !overflow, product < 1 << 44 else {
                    throw GGUFError(.invalidTensor, "has an implausible element count (shape \(shape + [Int(raw)])); the file is corrupted", offset: entryOffset, tensor: name)
                }
                elements = product
                shape.append(Int(raw))
            }
            let typeOffset = cursor.offset
            let rawType = try cursor.readLE(UInt32.self, "type of '\(name)'")
            guard let type = GGUFTensorType(rawValue: rawType) else {
                throw GGUFError(.unsupportedTensorType, "uses \(GGUFTensorType.name(ofRawType: rawType)); this build reads \(GGUFTensorType.supportedList). Use a model quantised to one of those", offset: typeOffset, tensor: name)
            }
            guard shape[0] % type.blockSize == 0 else {
                throw GGUFError(.invalidTensor, "row length \(shape[0]) is not a multiple of the \(type) block size \(type.blockSize); the file is corrupted", offset: entryOffset, tensor: name)
            }
            let offsetAt = cursor.offset
            let rel = try cursor.readLE(UInt64.self, "offset of '\(name)'")
            guard rel < 1 << 56 else {
                throw GGUFError(.tensorOutOfBounds, "data offset \(rel) is implausibly large; the file is corrupted", offset: offsetAt, tensor: name)
            }
            guard Int(rel) % alignment == 0 else {
                throw GGUFError(.invalidTensor, "data offset \(rel) is not a multiple of the alignment \(alignment); the file is corrupted", offset: offsetAt, tensor: name)
            }
            tensorIndex[name] = rawTensors.count
            rawTensors.append((name, shape, type, Int(rel), entryOffset))
        }

        // headerEnd <= file size (every byte was read), so rounding up cannot overflow.
        let headerEnd = cursor.offset
        let dataOffset = (headerEnd + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        fileSize = cursor.totalLength
        tensors = []
        tensors.reserveCapacity(rawTensors.count)
        for t in rawTensors {
            let info = GGUFTensorInfo(name: t.name, shape: t.shape, type: t.type, relativeOffset: t.rel, fileOffset: dataOffset + t.rel)
            // fileOffset < 2^56 + file size and byteCount < 2^46, so the sum cannot overflow.
            let end = info.fileOffset + info.byteCount
            guard end <= fileSize else {
                throw GGUFError(.tensorOutOfBounds, "data (\(info.byteCount) bytes at \(info.fileOffset)) runs to byte \(end) but the file has \(fileSize) bytes; the file is truncated — download it again", offset: t.at, tensor: t.name)
            }
            tensors.append(info)
        }
        // llama.cpp's rule (gguf.cpp): tensor data is laid out in directory order, each tensor
        // starting where the previous one ended, padded to the alignment. Anything else means a
        // damaged directory — an edited offset, dimension or type — so two tensors could share
        // bytes, or a tensor could silently read the wrong ones.
        var expected = 0
        for (i, info) in tensors.enumerated() {
            guard info.relativeOffset == expected else {
                let previous = i == 0 ? "the start of the data section" : "the end of tensor '\(GGUFText.forError(tensors[i - 1].name))'"
                let problem = info.relativeOffset < expected
                    ? (i == 0 ? "" : "overlaps tensor '\(GGUFText.forError(tensors[i - 1].name))' (or an earlier one); ")
                    : "leaves \(info.relativeOffset - expected) unused bytes before it; "
                throw GGUFError(.invalidTensor, "data offset \(info.relativeOffset) should be \(expected), \(previous) padded to the alignment \(alignment): it \(problem)the tensor directory is corrupted — download the file again", offset: rawTensors[i].at, tensor: info.name)
            }
            // byteCount < 2^46 and expected stays below the file size plus one tensor, so no overflow.
            expected += (info.byteCount + alignment - 1) / alignment * alignment
        }
        // The data section ends the file (the last tensor's padding may be left out). More bytes
        // after it mean the header no longer describes the file: a lowered tensor count, or a
        // tensor's bytes the directory lost track of.
        if fileSize > dataOffset + expected {
            throw GGUFError(.invalidTensor, "the file has \(fileSize - dataOffset - expected) bytes after the end of the last tensor's data (byte \(dataOffset + expected)); the header is damaged (a tensor count or size was changed) or data was appended — download the file again", offset: dataOffset + expected)
        }
    }

    private static func readValue(rawType: UInt32, cursor: inout ByteCursor, depth: Int) throws(GGUFError) -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError(.invalidValueType, "unknown metadata value type \(rawType) (known: 0–12); the file is corrupted or from a newer GGUF version", offset: cursor.offset - 4)
        }
        switch type {
        case .uint8: return .uint8(try cursor.readU8("uint8"))
        case .int8: return .int8(Int8(bitPattern: try cursor.readU8("int8")))
        case .uint16: return .uint16(try cursor.readLE(UInt16.self, "uint16"))
        case .int16: return .int16(try cursor.readLE(Int16.self, "int16"))
        case .uint32: return .uint32(try cursor.readLE(UInt32.self, "uint32"))
        case .int32: return .int32(try cursor.readLE(Int32.self, "int32"))
        case .uint64: return .uint64(try cursor.readLE(UInt64.self, "uint64"))
        case .int64: return .int64(try cursor.readLE(Int64.self, "int64"))
        case .float32: return .float32(Float(bitPattern: try cursor.readLE(UInt32.self, "float32")))
        case .float64: return .float64(Double(bitPattern: try cursor.readLE(UInt64.self, "float64")))
        case .bool:
            let at = cursor.offset
            let b = try cursor.readU8("bool")
            guard b <= 1 else { throw GGUFError(.invalidValueType, "bool value \(b) is neither 0 nor 1; the file is corrupted", offset: at) }
            return .bool(b == 1)
        case .string: return .string(try cursor.readString("string value"))
        case .array:
            guard depth < maxArrayDepth else {
                throw GGUFError(.invalidValueType, "arrays nested more than \(maxArrayDepth) deep; the file is corrupted", offset: cursor.offset)
            }
            let elementRaw = try cursor.readLE(UInt32.self, "array element type")
            guard let elementType = GGUFValueType(rawValue: elementRaw) else {
                throw GGUFError(.invalidValueType, "unknown array element type \(elementRaw) (known: 0–12); the file is corrupted", offset: cursor.offset - 4)
            }
            let minSize: Int = switch elementType {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64, .string: 8
            case .array: 12
            }
            let count = try cursor.readCount(minBytesPerItem: minSize, "array length")
            var items: [GGUFValue] = []
            items.reserveCapacity(min(count, maxReservation))
            for _ in 0..<count {
                items.append(try readValue(rawType: elementRaw, cursor: &cursor, depth: depth + 1))
            }
            return .array(elementType, items)
        }
    }

    // MARK: Lookup

    /// The value stored under `key`, or nil.
    public subscript(key: String) -> GGUFValue? {
        keyIndex[key].map { metadata[$0].value }
    }

    /// The directory entry for the tensor called `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// `general.architecture`, e.g. `llama`.
    public var architecture: String? { self["general.architecture"]?.stringValue }

    /// The value of an architecture-scoped key such as `llama.block_count`, given `block_count`.
    public subscript(architectureKey suffix: String) -> GGUFValue? {
        architecture.flatMap { self["\($0).\(suffix)"] }
    }

    /// `general.architecture`; throws `.missingKey` when the file does not say.
    public func requireArchitecture() throws(GGUFError) -> String {
        try requireString("general.architecture")
    }

    /// An integer the model needs; throws naming the key when it is missing or mistyped.
    public func requireInt(_ key: String) throws(GGUFError) -> Int {
        let v = try require(key)
        guard let i = v.intValue else {
            throw GGUFError(.wrongValueType, "expected an integer, found \(v.type) \(v.rendered(maxItems: 3)); the file was converted with a different layout — re-convert it with a current llama.cpp", key: key, path: path)
        }
        return i
    }

    /// A number the model needs (integer or float), as `Double`.
    public func requireDouble(_ key: String) throws(GGUFError) -> Double {
        let v = try require(key)
        guard let d = v.doubleValue else {
            throw GGUFError(.wrongValueType, "expected a number, found \(v.type) \(v.rendered(maxItems: 3)); the file was converted with a different layout — re-convert it with a current llama.cpp", key: key, path: path)
        }
        return d
    }

    /// A string the model needs.
    public func requireString(_ key: String) throws(GGUFError) -> String {
        let v = try require(key)
        guard let s = v.stringValue else {
            throw GGUFError(.wrongValueType, "expected a string, found \(v.type) \(v.rendered(maxItems: 3)); the file was converted with a different layout — re-convert it with a current llama.cpp", key: key, path: path)
        }
        return s
    }

    /// An array the model needs (e.g. `tokenizer.ggml.tokens`).
    public func requireArray(_ key: String) throws(GGUFError) -> [GGUFValue] {
        let v = try require(key)
        guard let items = v.arrayValue else {
            throw GGUFError(.wrongValueType, "expected an array, found \(v.type) \(v.rendered(maxItems: 3)); the file was converted with a different layout — re-convert it with a current llama.cpp", key: key, path: path)
        }
        return items
    }

    /// The directory entry for a tensor the model needs; throws `.missingTensor` naming it.
    public func requireTensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let t = tensor(named: name) else {
            throw GGUFError(.missingTensor, "required tensor is missing from the file; the model was not converted for this architecture, or the download is incomplete", tensor: name, path: path)
        }
        return t
    }

    private func require(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let v = self[key] else {
            throw GGUFError(.missingKey, "required metadata key is missing; the file was not converted for this architecture — re-convert it with a current llama.cpp", key: key, path: path)
        }
        return v
    }
}
