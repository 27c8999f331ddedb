import ArgumentParser
import Foundation
import TKBenchmarks
import TKConsole
import TKJudges

/// `truthkit judge …`: how far an LLM judge can be trusted.
struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Check an LLM judge of truthfulness and informativeness against human labels.",
        subcommands: [Calibrate.self])
}

extension JudgeCommand {
    /// `truthkit judge calibrate --labels FILE.csv --judge MODEL`: accuracy, Cohen's kappa and the
    /// confusion matrix of the judge's verdicts against human labels, for each aspect.
    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge human-labelled answers and report accuracy, Cohen's kappa and confusion matrices.",
            discussion: "The labels file is a CSV with columns question, answer, truthful, informative (yes/no, 1/0 or true/false). The paper judge's few-shot examples come from the TruthfulQA reference answers (v0 CSV by default), never from the judged question.")

        @Option(help: ArgumentHelp("CSV of human labels: question, answer, truthful, informative.", valueName: "file"))
        var labels: String

        @OptionGroup var judge: JudgeOptions
        @OptionGroup var engine: EngineOptions

        @Option(help: "Language of the reference data the paper judge draws examples from.")
        var lang: String = "en"

        @Flag(help: "Print the report as JSON on stdout.")
        var json = false

        func validate() throws {
            guard judge.isSet else { throw ValidationError("give the judge model with --judge MODEL") }
        }

        func run() async throws {
            let humanLabels = try HumanLabelFile.load(path: labels)
            let references = try TruthfulQADataset.loadForGeneration(language: lang).items.map(JudgeReference.init)
            let loaded = try await judge.load(threads: engine.threads, references: references)
            let bar = ProgressBar(label: "judging", total: Int64(humanLabels.count), unit: .items(named: "answer"))
            let report: JudgeCalibrationReport
            do {
                report = try await JudgeCalibration.run(judge: loaded.judge, labels: humanLabels) { _, _ in bar.advance() }
            } catch {
                bar.finish()
                await loaded.close()
                throw error
            }
            bar.finish()
            await loaded.close()
            if json { try printJSON(report); return }
            print("judge \(report.judge)")
            print("\(report.labelCount) labelled answers, \(report.unparsedCount) verdict(s) unreadable (left out)")
            var table = TextTable(columns: [.init("aspect"), .init("n", alignment: .right), .init("accuracy", alignment: .right),
                                            .init("kappa", alignment: .right), .init("TP", alignment: .right), .init("FP", alignment: .right),
                                            .init("FN", alignment: .right), .init("TN", alignment: .right)])
            for aspect in [JudgeAspect.truthful, .informative] {
                let a = report.agreement(aspect), m = a.matrix
                table.addRow(["\(aspect)", String(m.truePositives + m.falsePositives + m.falseNegatives + m.trueNegatives),
                              a.accuracy.map { String(format: "%.3f", $0) } ?? "-", a.cohensKappa.map { String(format: "%.3f", $0) } ?? "-",
                              String(m.truePositives), String(m.falsePositives), String(m.falseNegatives), String(m.trueNegatives)])
            }
            print(table.render())
        }
    }
}
