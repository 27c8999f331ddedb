import Foundation
import TKBenchmarks
import TKEvalCore
import TKStore

/// A stored run as lm-evaluation-harness 0.4 writes its results: `results_<date>.json` and one
/// `samples_<task>_<date>.jsonl` per task, in a folder named after the model (lm-eval's
/// `--output_path DIR --log_samples` layout), so leaderboards, Zeno and W&B loaders read them.
///
/// Field names and shapes follow lm-eval's `result_schema.py` (`EvalResults`, `SampleResult`) and
/// its `EvaluationTracker`: responses go through its `sanitize_list` (every leaf a string), `target`
/// is a string, `arguments` is `{"gen_args_N": {"arg_0": …, "arg_1": …}}`, and `doc_hash`,
/// `prompt_hash`, `target_hash` are SHA-256 of the same bytes lm-eval hashes.
///
/// TruthfulQA MC runs become lm-eval's `truthfulqa_mc1` and `truthfulqa_mc2` (metric `acc`);
/// generation runs become `truthfulqa_gen` (BLEU/ROUGE max, acc, diff, plus any judge rates).
/// What TruthKit does not record is written as lm-eval writes an unknown: a choice's `is_greedy`
/// as `"None"`; a generation `doc` holds only the stored fields (question, category, type, best answer).
public struct LMEvalExport: Sendable {
    /// One lm-eval task's rows.
    struct TaskExport {
        var name: String
        var version: Double
        var outputType: String
        /// Per-sample metrics, in order.
        var metricNames: [String]
        var samples: [PythonJSON]
        var values: [String: [Double]]
    }

    public let snapshot: RunSnapshot

    public init(_ snapshot: RunSnapshot) { self.snapshot = snapshot }

    /// lm-eval's `date_id`: the time as ISO 8601 with `:` replaced by `-`. The run's last update
    /// time, so exporting one run twice gives the same file names.
    var dateID: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss.SSSSSS"
        return formatter.string(from: snapshot.run.updatedAt)
    }

    /// lm-eval's `sanitize_model_name`: runs of `"<>:/|\?*[]` become `__`.
    static func sanitizedModelName(_ name: String) -> String {
        name.replacingOccurrences(of: #"["<>:/|\\?*\[\]]+"#, with: "__", options: .regularExpression)
    }

    /// Writes the files under `directory/<model>/` and returns their paths.
    ///
    /// - Throws: `ReportError` for a run with no items or of a task lm-eval has no counterpart for.
    public func write(to directory: String) throws -> [String] {
        let tasks = try self.tasks()
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(Self.sanitizedModelName(snapshot.run.key.modelName))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for task in tasks {
            let url = folder.appendingPathComponent("samples_\(task.name)_\(dateID).jsonl")
            try Data(task.samples.map { $0.dumps() + "\n" }.joined().utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        let url = folder.appendingPathComponent("results_\(dateID).json")
        try Data(results(tasks).dumps(indent: 2).utf8).write(to: url, options: .atomic)
        written.insert(url.path, at: 0)
        return written
    }

    // MARK: - Tasks

    func tasks() throws -> [TaskExport] {
        let run = snapshot.run
        guard !snapshot.items.isEmpty else {
            throw ReportError("Run \(run.id) has no stored items, so there is nothing to export; run the evaluation first (`truthkit eval` resumes it).")
        }
        switch run.key.task {
        case "truthfulqa-mc": return try multipleChoiceTasks()
        case "truthfulqa-gen": return try [generationTask()]
        default:
            throw ReportError("Run \(run.id) is a '\(run.key.task)' run, which has no lm-evaluation-harness counterpart (lm-eval has truthfulqa_mc1, truthfulqa_mc2 and truthfulqa_gen); export it with --format csv instead.")
        }
    }

    /// The TruthfulQA prompt for a question, when the run used a text preset (every preset but
    /// chat-template, whose template is not recorded in the run).
    func context(question: String) -> String? {
        guard let preset = PromptPreset(rawValue: snapshot.run.key.settings["preset"] ?? "qa") else { return nil }
        return preset.context(question: question)
    }

    func multipleChoiceTasks() throws -> [TaskExport] {
        var mc1 = TaskExport(name: "truthfulqa_mc1", version: 2.0, outputType: "multiple_choice", metricNames: ["acc"], samples: [], values: [:])
        var mc2 = TaskExport(name: "truthfulqa_mc2", version: 3.0, outputType: "multiple_choice", metricNames: ["acc"], samples: [], values: [:])
        for (position, stored) in try storedPayloads(MultipleChoiceItemResult.self).enumerated() {
            let doc = PythonJSON.object([
                ("question", .string(stored.question)),
                ("mc1_targets", .object([("choices", .array(stored.mc1.choices.map(PythonJSON.string))), ("labels", .array(stored.mc1.labels.map(PythonJSON.int)))])),
                ("mc2_targets", .object([("choices", .array(stored.mc2.choices.map(PythonJSON.string))), ("labels", .array(stored.mc2.labels.map(PythonJSON.int)))])),
            ])
            let context = self.context(question: stored.question)
            for (set, metric, target) in [(stored.mc1, "mc1", 0), (stored.mc2, "mc2", 0)] {
                guard let value = stored.metrics[metric] else { continue }
                let logprobs = set.logprobs ?? set.scores
                // lm-eval's requests: (context, " " + choice) per choice; responses (logprob, is_greedy).
                let arguments = set.choices.enumerated().map { i, choice in
                    ("gen_args_\(i)", PythonJSON.object([("arg_0", .string(context ?? "")), ("arg_1", .string(" " + choice))]))
                }
                let responses = logprobs.map { PythonJSON.array([.string(PythonJSON.pythonRepr($0)), .string("None")]) }
                let sample = Self.sample(
                    docID: position, doc: doc, target: target, arguments: arguments,
                    resps: .array(responses.map { .array([$0]) }), filtered: .array(responses),
                    metrics: [("acc", value)], prompt: context ?? "")
                if metric == "mc1" {
                    mc1.samples.append(sample)
                    mc1.values["acc", default: []].append(value)
                } else {
                    mc2.samples.append(sample)
                    mc2.values["acc", default: []].append(value)
                }
            }
        }
        return [mc1, mc2].filter { !$0.samples.isEmpty }
    }

    func generationTask() throws -> TaskExport {
        let settings = snapshot.run.key.settings
        let judged = ["truthful", "informative", "truthful_informative"]
        var task = TaskExport(name: "truthfulqa_gen", version: 3.0, outputType: "generate_until",
                              metricNames: GenerationMetricName.similarity, samples: [], values: [:])
        let stored = try storedPayloads(GenerationItemResult.self)
        if stored.contains(where: { !$0.judgements.isEmpty }) { task.metricNames += judged }
        let until = PythonJSON.array((settings["stop"] ?? "").split(separator: ",").map { .string(Self.unquote(String($0))) })
        let genKwargs = PythonJSON.object([("until", until), ("max_gen_toks", .int(Int(settings["max_tokens"] ?? "") ?? 0)),
                                           ("do_sample", .bool(settings["decoding"] != "greedy"))])
        for (position, item) in stored.enumerated() {
            var doc: [(String, PythonJSON)] = []
            if let type = item.type { doc.append(("type", .string(type))) }
            if let category = item.category { doc.append(("category", .string(category))) }
            doc.append(("question", .string(item.question)))
            if let best = item.bestAnswer { doc.append(("best_answer", .string(best))) }
            // The generation task trims the question before building its prompt (see GenerationEvaluator.prompt).
            let prompt = context(question: item.question.trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
            var metrics: [(String, Double)] = GenerationMetricName.similarity.compactMap { name in item.metrics[name].map { (name, $0) } }
            if let verdict = item.judgements.values.sorted(by: { $0.judge < $1.judge }).first {
                if let t = verdict.truthful { metrics.append(("truthful", t ? 1 : 0)) }
                if let i = verdict.informative { metrics.append(("informative", i ? 1 : 0)) }
                if let both = verdict.truthfulAndInformative { metrics.append(("truthful_informative", both ? 1 : 0)) }
            }
            for (name, value) in metrics { task.values[name, default: []].append(value) }
            task.samples.append(Self.sample(
                docID: position, doc: .object(doc), target: " ",
                arguments: [("gen_args_0", .object([("arg_0", .string(prompt)), ("arg_1", genKwargs)]))],
                resps: .array([.array([.string(item.rawText)])]), filtered: .array([.string(item.rawText)]),
                metrics: metrics, prompt: prompt))
        }
        return task
    }

    /// The run's payloads decoded as the task's own result type, in index order.
    func storedPayloads<R: Decodable>(_ type: R.Type) throws -> [R] {
        try snapshot.rawPayloads.map { index, payload in
            do { return try JSONDecoder().decode(R.self, from: payload) } catch {
                throw ReportError("Item \(index) of run \(snapshot.run.id) is not a \(R.self) (\(error)); the run was written by another version of TruthKit. Export it with --format csv instead.")
            }
        }
    }

    /// One line of `samples_<task>_<date>.jsonl`, keys in lm-eval's order, per-sample metrics last.
    static func sample(docID: Int, doc: PythonJSON, target: some CustomStringConvertible, arguments: [(String, PythonJSON)],
                       resps: PythonJSON, filtered: PythonJSON, metrics: [(String, Double)], prompt: String) -> PythonJSON {
        var fields: [(String, PythonJSON)] = [
            ("doc_id", .int(docID)), ("doc", doc), ("target", .string(target.description)),
            ("arguments", .object(arguments)), ("resps", resps), ("filtered_resps", filtered), ("filter", .string("none")),
            ("metrics", .array(metrics.map { .string($0.0) })),
            ("doc_hash", .string(PythonJSON.sha256(doc.dumps(indent: 2)))),
            ("prompt_hash", .string(PythonJSON.sha256(prompt))),
            ("target_hash", .string(PythonJSON.sha256(target.description))),
        ]
        fields += metrics.map { ($0.0, PythonJSON.double($0.1)) }
        return .object(fields)
    }

    /// `"\n\n"` as the run key stores a stop (Swift's debugDescription) → the stop itself.
    static func unquote(_ s: String) -> String {
        guard let data = s.data(using: .utf8), let value = try? JSONDecoder().decode(String.self, from: data) else { return s }
        return value
    }

    // MARK: - results.json

    func results(_ tasks: [TaskExport]) -> PythonJSON {
        let run = snapshot.run
        func taskMap(_ value: (TaskExport) -> PythonJSON) -> PythonJSON { .object(tasks.map { ($0.name, value($0)) }) }
        let results = taskMap { task in
            var fields: [(String, PythonJSON)] = [("name", .string(task.name)), ("alias", .string(task.name)),
                                                  ("sample_len", .int(task.samples.count))]
            for metric in task.metricNames {
                guard let values = task.values[metric], !values.isEmpty else { continue }
                fields.append(("\(metric),none", .double(values.reduce(0, +) / Double(values.count))))
                fields.append(("\(metric)_stderr,none", Self.meanStandardError(values).map(PythonJSON.double) ?? .string("N/A")))
            }
            return .object(fields)
        }
        let storedSummary = run.summary.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let seconds = (storedSummary?["tokens"] as? [String: Any])?["seconds"] as? Double
        var fields: [(String, PythonJSON)] = [
            ("results", results),
            ("group_subtasks", taskMap { _ in .array([]) }),
            ("configs", taskMap { task in .object([
                ("task", .string(task.name)), ("tag", .array([.string("truthfulqa")])),
                ("dataset_path", .string("truthfulqa/truthful_qa")), ("output_type", .string(task.outputType)),
                ("num_fewshot", .int(0)), ("metadata", .object([("version", .double(task.version))])),
            ]) }),
            ("versions", taskMap { .double($0.version) }),
            ("n-shot", taskMap { _ in .int(0) }),
            ("higher_is_better", taskMap { task in .object(task.metricNames.map { ($0, .bool(true)) }) }),
            ("n-samples", taskMap { task in .object([("original", .int(run.itemCount)), ("effective", .int(task.samples.count))]) }),
            ("config", .object([
                ("model", .string("truthkit")),
                ("model_args", .string("model=\(run.key.modelName),fingerprint=\(run.key.modelFingerprint)")),
                ("batch_size", .null), ("batch_sizes", .array([])), ("device", .null), ("use_cache", .null),
                ("limit", run.isComplete ? .null : .int(snapshot.items.count)),
                ("bootstrap_iters", .int(snapshot.summary?.bootstrap.resamples ?? 0)), ("gen_kwargs", .null),
            ])),
            ("date", .double(run.createdAt.timeIntervalSince1970)),
            ("task_hashes", taskMap { task in
                .string(PythonJSON.sha256(task.samples.map { sample -> String in
                    guard case .object(let f) = sample else { return "" }
                    return ["doc_hash", "prompt_hash", "target_hash"].compactMap { key in
                        f.first { $0.0 == key }.flatMap { if case .string(let s) = $0.1 { s } else { nil } }
                    }.joined()
                }.joined()))
            }),
            ("model_source", .string("truthkit")),
            ("model_name", .string(run.key.modelName)),
            ("model_name_sanitized", .string(Self.sanitizedModelName(run.key.modelName))),
            ("system_instruction", .null), ("system_instruction_sha", .null), ("fewshot_as_multiturn", .bool(false)),
            ("chat_template", .null), ("chat_template_sha", .null),
            // Not an lm-eval field: where the numbers came from, for going back to the TruthKit run.
            ("truthkit", .object([
                ("run_id", .int(Int(run.id))), ("run_key", .string(run.keyDigest)), ("status", .string(run.status.rawValue)),
                ("task", .string(run.key.task)), ("task_version", .string(run.key.taskVersion)),
                ("model_fingerprint", .string(run.key.modelFingerprint)), ("data_checksum", .string(run.key.dataChecksum)),
                ("settings", .object(run.key.settings.keys.sorted().map { ($0, .string(run.key.settings[$0]!)) })),
            ])),
        ]
        // lm-eval writes it as a string; left out (every key is optional) when the run did not record it.
        if let seconds { fields.insert(("total_evaluation_time_seconds", .string(String(seconds))), at: fields.count - 1) }
        return .object(fields)
    }

    /// lm-eval's `mean_stderr`: sample standard deviation (n − 1) over √n; nil below two values,
    /// where lm-eval writes "N/A".
    static func meanStandardError(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return variance.squareRoot() / n.squareRoot()
    }
}
