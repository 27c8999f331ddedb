extension DataConversion {
    /// The key order of the converted multilingual records.
    static let multilingualKeyOrder = [
        "question", "mc1_targets", "mc2_targets", "id", "type", "category", "best_answer",
        "correct_answers", "incorrect_answers", "source", "annotation", "lang",
    ]

    /// The installed file's bytes made from the sources' bytes (in catalog order).
    ///
    /// - Parameter inputs: Each source's bytes and a name for errors (its URL).
    /// - Throws: `DatasetError` `malformedJSON` / `missingField` / `invalidValue` naming the
    ///   source, when it is not the JSON the conversion expects.
    func convert(_ inputs: [(bytes: [UInt8], name: String)]) throws -> [UInt8] {
        switch self {
        case .none:
            return inputs.flatMap(\.bytes)
        case .huggingFaceMultipleChoice:
            var output: [UInt8] = []
            for input in inputs {
                for (position, record) in try Self.records(input).enumerated() {
                    let field = "[\(position)]"
                    guard case .string? = record["question"] else {
                        throw DatasetError(
                            .missingField, file: input.name, field: field + ".question",
                            "record \(position) has no string \"question\"; this is not mc_task.json."
                        )
                    }
                    let converted = JSONValue.object([
                        .init(key: "question", value: record["question"]!),
                        .init(key: "mc1_targets", value: try Self.choiceObject(record, "mc1_targets", field, input.name)),
                        .init(key: "mc2_targets", value: try Self.choiceObject(record, "mc2_targets", field, input.name)),
                    ])
                    output += converted.pythonJSON()
                    output.append(UInt8(ascii: "\n"))
                }
            }
            return output
        case .multilingualRecords:
            var output: [UInt8] = []
            for input in inputs {
                for record in try Self.records(input) {
                    guard case .object(let members) = record else { continue }
                    var ordered: [JSONValue.Member] = []
                    for key in Self.multilingualKeyOrder {
                        if let value = record[key] { ordered.append(.init(key: key, value: value)) }
                    }
                    var placed = Set(Self.multilingualKeyOrder)
                    for member in members where placed.insert(member.key).inserted {
                        ordered.append(.init(key: member.key, value: record[member.key]!))
                    }
                    output += JSONValue.object(ordered).pythonJSON()
                    output.append(UInt8(ascii: "\n"))
                }
            }
            return output
        }
    }

    /// The objects of a JSON array source.
    private static func records(_ input: (bytes: [UInt8], name: String)) throws -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(input.bytes)
        } catch {
            let line = input.bytes[..<min(error.offset, input.bytes.count)].count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw DatasetError(
                .malformedJSON, file: input.name, line: line,
                "the download is not JSON: \(error.message). The server may have sent an error page; run the command again."
            )
        }
        guard case .array(let records) = value else {
            throw DatasetError(
                .malformedJSON, file: input.name, "expected a JSON array of records, found \(value.kindDescription)."
            )
        }
        for (position, record) in records.enumerated() {
            guard case .object = record else {
                throw DatasetError(
                    .malformedJSON, file: input.name, field: "[\(position)]",
                    "expected an object, found \(record.kindDescription)."
                )
            }
        }
        return records
    }

    /// `{"choices": keys, "labels": values}` from an `mc_task.json` targets object, with
    /// Python's dict semantics for repeated keys.
    private static func choiceObject(_ record: JSONValue, _ key: String, _ field: String, _ name: String) throws -> JSONValue {
        guard case .object(let members)? = record[key] else {
            throw DatasetError(
                .missingField, file: name, field: "\(field).\(key)",
                "expected an object mapping each option to its 0/1 label; this is not mc_task.json."
            )
        }
        var order: [String] = []
        var values: [String: JSONValue] = [:]
        for member in members {
            if values[member.key] == nil { order.append(member.key) }
            values[member.key] = member.value
        }
        return .object([
            .init(key: "choices", value: .array(order.map { .string($0) })),
            .init(key: "labels", value: .array(order.map { values[$0]! })),
        ])
    }
}
