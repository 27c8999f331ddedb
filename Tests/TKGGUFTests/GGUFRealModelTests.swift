import Foundation
import Testing
import TKGGUF

/// The default model, checked against numbers from ../shared/reference/README.md (computed
/// independently of this reader). Skips when the model is not downloaded.
@Suite(.enabled(if: RealModel.path != nil, "default model not found at \(RealModel.defaultPath); set TRUTHKIT_MODEL or run `truthkit models pull` to run these tests"))
struct GGUFRealModelTests {
    @Test func directoryMatchesTheReference() throws {
        let path = try #require(RealModel.path)
        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.tensors.count == 272)
        var perType: [GGUFTensorType: Int] = [:]
        for t in file.tensors { perType[t.type, default: 0] += 1 }
        #expect(perType == [.q4_1: 210, .f32: 61, .q8_0: 1])
        let embd = try file.requireTensor("token_embd.weight")
        #expect(embd.type == .q8_0)
        #expect(embd.shape == [576, 49152])
    }

    @Test func metadataMatchesTheReference() throws {
        let file = try GGUFFile(path: try #require(RealModel.path))
        let h = file.hyperparameters
        #expect(h.architecture == "llama")
        #expect(h.blockCount == 30)
        #expect(h.embeddingLength == 576)
        #expect(h.headCount == 9)
        #expect(h.headCountKV == 3)
        #expect(h.headDim == 64)
        #expect(h.ropeFreqBase == 100_000)
        #expect(h.vocabSize == 49152)
        #expect(h.tokenizerModel == "gpt2")
        #expect(h.tokenizerPre == "smollm")
        #expect(file["tokenizer.ggml.add_bos_token"] == .bool(false))
        #expect(try file.requireArray("tokenizer.ggml.tokens").count == 49152)
        #expect(try file.requireArray("tokenizer.ggml.merges").count == 48900)
    }

    @Test func tensorDataTilesTheDataSectionWithinTheFile() throws {
        let file = try GGUFFile(path: try #require(RealModel.path))
        if file.fileSize == 98_362_432 {  // the reference file; a TRUTHKIT_MODEL override may differ
            #expect(file.tensors.map { $0.fileOffset + $0.byteCount }.max() == file.fileSize)
        }
        let sorted = file.tensors.sorted { $0.fileOffset < $1.fileOffset }
        #expect(sorted.first?.fileOffset == file.dataOffset)
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            // Each tensor starts at the next aligned offset after the previous one ends.
            let expected = (a.fileOffset + a.byteCount + file.alignment - 1) / file.alignment * file.alignment
            #expect(b.fileOffset == expected, "\(b.name) starts at \(b.fileOffset), expected \(expected)")
        }
    }

    /// A partial download: the header is cut inside the vocabulary, or the data is cut short.
    @Test("a cut-off copy of the model fails with a located error", arguments: [1_000_000, 2_000_000])
    func truncatedCopyFails(length: Int) throws {
        let source = try #require(RealModel.path)
        let handle = try #require(FileHandle(forReadingAtPath: source))
        let head = try handle.read(upToCount: length) ?? Data()
        try handle.close()
        let path = try TemporaryFile.write(Array(head))
        defer { TemporaryFile.remove(path) }
        let error = try #require(#expect(throws: GGUFError.self) { try GGUFFile(path: path) })
        #expect(error.path == path)
        #expect(error.offset != nil)
        if length < 1_700_000 {
            #expect(error.key != nil && [.truncated, .implausibleCount].contains(error.code), "\(error)")
        } else {
            #expect(error.code == .tensorOutOfBounds && error.tensor != nil, "\(error)")
        }
    }
}

enum RealModel {
    static let defaultPath = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf").path

    /// `TRUTHKIT_MODEL`, else the default download location; nil when no file is there.
    static var path: String? {
        let candidate = ProcessInfo.processInfo.environment["TRUTHKIT_MODEL"] ?? defaultPath
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}
