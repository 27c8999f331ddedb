import Foundation
import Testing
import TKGGUF
import TKTesting

/// Damaged or hostile model files through the real `truthkit` binary: `inspect` never sends the
/// file's escape sequences to the terminal or blocks on a FIFO, and `logprobs` on a model with a
/// NaN weight fails saying the file is damaged instead of printing `-nan` and exiting 0.
@Suite struct DamagedModelCLITests {
    private func write(_ bytes: [UInt8], in cli: CLIRunner) throws -> String {
        let path = cli.home.appendingPathComponent("model-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func inspectEscapesControlCharactersFromMetadata() throws {
        let cli = try CLIRunner()
        let tiny = TinyModel { w in
            w.set("general.name", .string("evil\u{1B}]0;pwned\u{07}\u{1B}[31m"))
            w.set("x.\u{1B}[2Jkey", .string("\u{9B}6n"))
        }
        let result = try cli.run(["inspect", try write(tiny.bytes, in: cli)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        #expect(result.stdout.contains("evil\\u{1B}]0;pwned\\u{7}"))
        #expect(result.stdout.contains("x.\\u{1B}[2Jkey"))
    }

    @Test func inspectRefusesAFIFOInsteadOfBlocking() throws {
        let cli = try CLIRunner()
        let fifo = cli.home.appendingPathComponent("pipe.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try cli.run(["inspect", fifo])
        #expect(result.status != 0)
        #expect(result.stderr.contains("FIFO"), "\(result.stderr)")
    }

    @Test(arguments: [false, true])
    func logprobsOnANaNWeightFailsNamingTheLayer(json: Bool) throws {
        let cli = try CLIRunner()
        var bytes = TinyModel().bytes
        let info = try #require(try GGUFFile(bytes: bytes).tensor(named: "blk.1.ffn_down.weight"))
        GGUFBytes.patch(&bytes, at: info.fileOffset + 40, Float.nan.bitPattern)
        let arguments = ["logprobs", "--model", try write(bytes, in: cli), "--text", "ab cd", "--threads", "1"] + (json ? ["--json"] : [])
        let result = try cli.run(arguments)
        #expect(result.status != 0, "exited 0 with \(result.stdout)")
        #expect(result.stderr.contains("damaged") && result.stderr.contains("layer 1"), "\(result.stderr)")
        #expect(!result.stdout.contains("nan"))
    }
}
