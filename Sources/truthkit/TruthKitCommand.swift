import ArgumentParser

@main
struct TruthKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truthkit",
        abstract: "Measure and improve how truthful language models are (TruthfulQA, native GGUF engine).",
        subcommands: [
            // Each subcommand lives in its own file; add new ones here.
            InspectCommand.self,
            ModelsCommand.self,
            LogprobsCommand.self,
            GenerateCommand.self,
            BenchCommand.self,
            EvalCommand.self,
            DataCommand.self,
            RunsCommand.self,
            ServeCommand.self,
            JudgeCommand.self,
            ITICommand.self,
            SteerCommand.self,
            CAADCommand.self,
            TruthNeuronsCommand.self,
            GrAInSCommand.self,
            MethodsCommand.self,
            ReportCommand.self,
            ViewCommand.self,
            AuditCommand.self,
            CalibrateCommand.self,
            ProbeCommand.self,
            SelfEvalCommand.self,
            SweepCommand.self,
            DetectCommand.self,
        ]
    )
}
