// swift-tools-version: 6.0
import PackageDescription

// Every module carries the short prefix `TK`: SwiftPM module names are global, and
// dependencies such as Hummingbird already bring generic names like `Metrics`.
let kernelCFlags: [CSetting] = [
    .unsafeFlags(["-O3", "-mavx2", "-mfma", "-mf16c", "-ffp-contract=fast"]),
]

let package = Package(
    name: "TruthKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "truthkit", targets: ["truthkit"]),
        .library(name: "TruthKit", targets: ["TKGGUF", "TKKernels", "TKTokenizer", "TKEngine", "TKEvalCore", "TKBackends", "TKEvaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Tests: a real HTTP server on 127.0.0.1 for the model downloader (and later `truthkit serve`).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The run store: SQLite through GRDB (system libsqlite3; apt: libsqlite3-dev).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The OpenAI-compatible client backend: non-blocking HTTP with connection pooling and timeouts.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The C half of the kernels: SIMD dequantisation and quantised dot products, cpuid, and
        // OpenBLAS opened with dlopen at run time (apt: libopenblas0), not linked: the core type
        // must be chosen before OpenBLAS initialises (see ctk_system.h).
        .target(name: "CTKKernels", cSettings: kernelCFlags,
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])),
                                 .linkedLibrary("pthread", .when(platforms: [.linux]))]),
        // The file format; block geometry comes from the kernels' quant formats (one definition).
        .target(name: "TKGGUF", dependencies: ["TKKernels"]),
        .target(name: "TKKernels", dependencies: ["CTKKernels"]),
        .target(name: "TKTokenizer", dependencies: ["TKGGUF"]),
        .target(name: "TKEngine", dependencies: ["TKGGUF", "TKKernels", "TKTokenizer", "TKRandom"]),
        // The one seeded generator (SplitMix64): bootstrap, folds, shuffles and sampling replay from a seed.
        .target(name: "TKRandom"),
        .target(name: "TKEvalCore"),
        // Terminal output shared by commands: progress bars (rate, ETA) on stderr, tables.
        .target(name: "TKConsole"),
        // The OpenAI API's JSON bodies, one definition for the client and the server.
        .target(name: "TKOpenAIWire"),
        .target(name: "TKBackends", dependencies: [
            "TKEvalCore", "TKOpenAIWire", "TKEngine", "TKGGUF", "TKConsole", "TKInterventions",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        // Chat templates from GGUF metadata: the Jinja subset that model templates use.
        .target(name: "TKChatTemplate"),
        // `truthkit serve`: the native engine behind an OpenAI-compatible HTTP API (Hummingbird).
        .target(name: "TKServer", dependencies: [
            "TKOpenAIWire", "TKEngine", "TKKernels", "TKTokenizer", "TKChatTemplate", "TKBackends", "TKEvalCore",
            "TKReports", "TKStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Truthfulness interventions on the engine's hooks: DoLa, contrastive decoding, ITI, steering.
        .target(name: "TKInterventions", dependencies: ["TKEngine", "TKKernels", "TKTokenizer", "TKRandom", "TKMetrics"]),
        // LLM-as-judge for truthfulness and informativeness; sees only `LanguageModel`.
        .target(name: "TKJudges", dependencies: ["TKEvalCore", "TKMetrics", "TKRandom"]),
        .target(name: "TKTesting", dependencies: [
            "TKGGUF", "TKEngine", "TKRandom",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Pure reductions of scores to numbers: MC1/MC2/MC3, calibration, bootstrap intervals.
        .target(name: "TKMetrics", dependencies: ["TKEvalCore", "TKRandom"]),
        // Calibration and selective prediction: ECE/RMS-CE/Brier with a bin scheme, reliability
        // bins, temperature scaling, risk–coverage, AURC, AURAC. Pure functions.
        .target(name: "TKCalibration", dependencies: ["TKMetrics", "TKRandom"]),
        // Runs and item results in SQLite, so interrupted runs resume and repeated runs are free.
        .target(name: "TKStore", dependencies: [
            "TKEvalCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Benchmarks: data loaders and the pinned data catalog (Data/), prompt presets, the evaluator.
        .target(name: "TKBenchmarks", dependencies: [
            "TKEvalCore", "TKMetrics", "TKRandom",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The evaluation core: tasks, the evaluator (store, resume, concurrency, progress), fold-paired
        // comparisons, judge chaining and the report/JSON conventions. Never sees the engine.
        .target(name: "TKEvaluation", dependencies: ["TKEvalCore", "TKBenchmarks", "TKMetrics", "TKStore", "TKJudges", "TKConsole",
                                                      "TKCalibration"]),
        // Reports people look at and files other tools read: self-contained HTML with SVG charts,
        // lm-evaluation-harness results/samples files, per-item CSV, paired run comparisons.
        .target(name: "TKReports", dependencies: [
            "TKEvalCore", "TKMetrics", "TKStore", "TKBenchmarks", "TKEvaluation", "TKCalibration",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Is the benchmark still measuring truthfulness: contamination probes (TS-Guessing), retro-holdout
        // comparison, answer consistency, languages side by side. Tasks on the evaluation core.
        .target(name: "TKAudit", dependencies: ["TKEvalCore", "TKBenchmarks", "TKMetrics", "TKEvaluation", "TKJudges", "TKConsole", "TKRandom"]),
        .executableTarget(name: "truthkit", dependencies: [
            "TKGGUF", "TKKernels", "TKTokenizer", "TKEngine", "TKBackends", "TKBenchmarks", "TKConsole", "TKMetrics", "TKStore",
            "TKChatTemplate", "TKServer", "TKInterventions", "TKJudges", "TKEvaluation", "TKReports", "TKAudit", "TKCalibration",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TKGGUFTests", dependencies: ["TKGGUF", "TKKernels", "TKTesting", "TKRandom"]),
        .testTarget(name: "TKKernelsTests", dependencies: ["TKKernels", "TKTesting", "TKRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "TKTokenizerTests", dependencies: ["TKTokenizer", "TKGGUF", "TKTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "TKEngineTests", dependencies: ["TKEngine", "TKGGUF", "TKKernels", "TKTokenizer", "TKTesting", "TKRandom"]),
        .testTarget(name: "TKRandomTests", dependencies: ["TKRandom"]),
        .testTarget(name: "TKBackendsTests", dependencies: [
            "TKBackends", "TKOpenAIWire", "TKTesting", "TKConsole", "TKRandom",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "TKMetricsTests", dependencies: ["TKMetrics", "TKEvalCore"], exclude: ["Fixtures"]),
        .testTarget(name: "TKChatTemplateTests", dependencies: ["TKChatTemplate", "TKGGUF", "TKTesting", "TKRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "TKServerTests", dependencies: [
            "TKServer", "TKBackends", "TKEngine", "TKEvalCore", "TKTesting", "TKBenchmarks", "TKEvaluation", "TKInterventions",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "TKInterventionsTests", dependencies: [
            "TKInterventions", "TKEngine", "TKKernels", "TKBackends", "TKEvalCore", "TKBenchmarks", "TKTesting", "TKRandom",
        ]),
        .testTarget(name: "TKCalibrationTests", dependencies: ["TKCalibration", "TKMetrics"]),
        .testTarget(name: "TKJudgesTests", dependencies: ["TKJudges", "TKEvalCore", "TKMetrics"], exclude: ["Fixtures"]),
        // Runs the built `truthkit` executable as a subprocess (no library dependency on it).
        .testTarget(name: "TruthKitCLITests", dependencies: ["TKTesting"]),
        .testTarget(name: "TKEvaluationTests", dependencies: [
            "TKEvaluation", "TKEvalCore", "TKBenchmarks", "TKMetrics", "TKStore", "TKJudges", "TKBackends", "TKTesting",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "TKReportsTests", dependencies: [
            "TKReports", "TKStore", "TKEvalCore", "TKMetrics", "TKBenchmarks", "TKEvaluation", "TKServer", "TKCalibration",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TKStoreTests", dependencies: ["TKStore", "TKEvalCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TKBenchmarksTests", dependencies: [
            "TKBenchmarks", "TKBackends", "TKEvalCore", "TKMetrics", "TKTesting", "TKJudges",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "TKAuditTests", dependencies: [
            "TKAudit", "TKEvaluation", "TKEvalCore", "TKBenchmarks", "TKMetrics", "TKStore", "TKTesting",
        ], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
