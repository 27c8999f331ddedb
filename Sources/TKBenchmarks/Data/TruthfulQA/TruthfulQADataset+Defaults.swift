import Foundation

extension TruthfulQADataset {
    /// Loads an installed TruthfulQA file by language and release.
    ///
    /// | language | version | file |
    /// |---|---|---|
    /// | en | nil or `.huggingFace` | `mc_en.jsonl`, categories joined from the v0 CSV when installed |
    /// | en | `.v0`, `.v1`, `.v2025` | the official CSV of that release |
    /// | en, es, ca, eu, gl | `.multilingual` (nil for es, ca, eu, gl) | `mc_<lang>.jsonl` (English: `mc_en_multi.jsonl`) |
    ///
    /// - Parameters:
    ///   - dataDirectory: The folder holding `truthfulqa/`; nil means `DataLocation.resolve()`
    ///     (`$TRUTHKIT_DATA_DIR`, else `$TRUTHKIT_HOME/data`, else `~/.cache/truthkit/data`).
    /// - Throws: `DatasetError` `unknownDataset` for a language/version pair that does not exist,
    ///   `fileNotFound` when the file is not installed, or any loader error.
    public static func load(
        language: String = "en", version: TruthfulQAVersion? = nil, dataDirectory: URL? = nil,
        skipInvalid: Bool = false
    ) throws -> TruthfulQADataset {
        let catalog = DataCatalog.truthfulQA
        guard let file = catalog.file(language: language, version: version) else {
            let available = catalog.files.compactMap { file -> String? in
                guard let language = file.language, let version = file.version else { return nil }
                return "\(language)/\(version.rawValue)"
            }
            throw DatasetError(
                .unknownDataset, file: "truthfulqa",
                "there is no TruthfulQA file for language '\(language)'"
                    + (version.map { " and version '\($0.rawValue)'" } ?? "")
                    + ". Available (language/version): \(available.joined(separator: ", "))."
            )
        }
        let directory = dataDirectory ?? DataLocation.resolve().directory
        let url = directory.appendingPathComponent(file.relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DatasetError(
                .fileNotFound, file: url.path,
                "\(file.relativePath) is not installed in \(directory.path). Run `truthkit data pull truthfulqa`, "
                    + "or set TRUTHKIT_DATA_DIR to a folder that holds it."
            )
        }
        switch file.format {
        case .officialCSV2021, .officialCSV2025:
            return try loadCSV(path: url.path, skipInvalid: skipInvalid)
        case .multipleChoiceJSONL:
            let dataset = try loadMultipleChoiceJSONL(path: url.path, language: file.language, skipInvalid: skipInvalid)
            guard file.version == .huggingFace,
                  let csvFile = catalog.file(language: "en", version: .v0) else { return dataset }
            let csvURL = directory.appendingPathComponent(csvFile.relativePath)
            guard FileManager.default.fileExists(atPath: csvURL.path) else { return dataset }
            return dataset.joiningCategories(from: try loadCSV(path: csvURL.path))
        }
    }
}
