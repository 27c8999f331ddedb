/// Writes GGUF images in memory — small fixtures for tests (tiny random-weight models, fuzz seeds).
///
/// Tensor bytes are given already encoded in their ggml type; the writer lays out the header,
/// pads to the alignment and places each tensor at an aligned offset. Metadata is written as
/// given, so tests can also produce files the reader must reject (a bad `general.alignment`, an
/// array whose tag disagrees with its elements).
public struct GGUFWriter: Sendable {
    /// The version number written into the header (2 and 3 share one layout).
    public var version: UInt32 = 3
    /// Alignment used to lay out tensor data: `general.alignment` when set to a positive integer,
    /// else 32. It follows the metadata so the file always agrees with what a reader will assume.
    public private(set) var alignment: Int = GGUFFile.defaultAlignment
    private var metadata: [(String, GGUFValue)] = []
    private var tensors: [(name: String, shape: [Int], type: GGUFTensorType, bytes: [UInt8])] = []

    public init(version: UInt32 = 3) {
        self.version = version
    }

    /// Sets a metadata value, replacing an earlier value for the same key in place.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.0 == key }) {
            metadata[i].1 = value
        } else {
            metadata.append((key, value))
        }
        if key == "general.alignment" {
            alignment = value.intValue.flatMap { $0 > 0 ? $0 : nil } ?? GGUFFile.defaultAlignment
        }
    }

    /// Adds a tensor; `shape[0]` is the contiguous dimension, `bytes` its encoded data.
    public mutating func addTensor(_ name: String, shape: [Int], type: GGUFTensorType, bytes: [UInt8]) {
        precondition(shape.reduce(1, *) / type.blockSize * type.bytesPerBlock == bytes.count, "tensor \(name): byte count does not match shape and type")
        tensors.append((name, shape, type, bytes))
    }

    /// Removes the tensor called `name`, if present (tests use it to retype or drop a tensor).
    public mutating func removeTensor(_ name: String) {
        tensors.removeAll { $0.name == name }
    }

    /// Adds an F32 tensor.
    public mutating func addTensor(_ name: String, shape: [Int], floats: [Float]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { Self.append(f.bitPattern, to: &bytes) }
        addTensor(name, shape: shape, type: .f32, bytes: bytes)
    }

    /// The complete file image: header, metadata, tensor directory, padding and tensor data.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        Self.append(GGUFFile.magic, to: &out)
        Self.append(version, to: &out)
        Self.append(UInt64(tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            Self.appendString(key, to: &out)
            Self.append(value.type.rawValue, to: &out)
            Self.appendValue(value, to: &out)
        }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset += (t.bytes.count + alignment - 1) / alignment * alignment
        }
        for (t, off) in zip(tensors, offsets) {
            Self.appendString(t.name, to: &out)
            Self.append(UInt32(t.shape.count), to: &out)
            for d in t.shape { Self.append(UInt64(d), to: &out) }
            Self.append(t.type.rawValue, to: &out)
            Self.append(UInt64(off), to: &out)
        }
        pad(&out)
        for t in tensors {
            out.append(contentsOf: t.bytes)
            pad(&out)
        }
        return out
    }

    private func pad(_ out: inout [UInt8]) {
        while out.count % alignment != 0 { out.append(0) }
    }

    static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        for i in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        let utf8 = Array(s.utf8)
        append(UInt64(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }

    static func appendValue(_ value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let s): appendString(s, to: &out)
        case .array(let type, let items):
            append(type.rawValue, to: &out)
            append(UInt64(items.count), to: &out)
            for item in items { appendValue(item, to: &out) }
        }
    }
}
