/// The functions transformers makes global for chat templates (`raise_exception`,
/// `strftime_now`, `namespace`, `dict`) plus Jinja's `range`.
enum Globals {
    static let names: Set<String> = ["range", "namespace", "raise_exception", "strftime_now", "dict"]

    static func call(_ name: String, _ arguments: CallArguments, renderer: TemplateRenderer) throws -> Value {
        switch name {
        case "raise_exception":
            let message = arguments.get(0, "message").map(Python.str) ?? ""
            throw TemplateFailure(message, kind: .raised)
        case "strftime_now":
            guard case .string(let format)? = arguments.get(0, "format") else {
                throw TemplateFailure("strftime_now() takes a format string, such as \"%d %b %Y\"")
            }
            return .string(Python.strftime(format, date: renderer.now, timeZone: renderer.timeZone))
        case "namespace", "dict":
            var attributes = Value.Dictionary()
            if let initial = arguments.positional.first {
                guard case .dictionary(let d) = initial, arguments.positional.count == 1 else {
                    throw TemplateFailure("\(name)() takes keyword arguments or one dictionary")
                }
                attributes = d
            }
            for (key, value) in arguments.keywords {
                if name == "namespace" && key.hasPrefix("_") {
                    throw TemplateFailure("chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(key)'")
                }
                attributes[key] = value
            }
            return name == "dict" ? .dictionary(attributes) : .namespace(Value.Namespace(attributes))
        default:
            var bounds: [Int] = []
            for value in arguments.positional {
                guard case .int(let i)? = value.numeric else {
                    throw TemplateFailure("range() arguments must be integers, not \(value.typeName)")
                }
                bounds.append(i)
            }
            let (start, stop, step): (Int, Int, Int)
            switch bounds.count {
            case 1: (start, stop, step) = (0, bounds[0], 1)
            case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
            case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
            default: throw TemplateFailure("range() takes one to three integer arguments")
            }
            guard step != 0 else { throw TemplateFailure("range() step must not be zero") }
            // Count first (in floating point, which cannot overflow) so a huge range never allocates.
            let count = max(0, ((Double(stop) - Double(start)) / Double(step)).rounded(.up))
            guard count <= 100_000 else {
                throw TemplateFailure("range() is limited to 100000 items, as in Jinja's sandbox")
            }
            let values = Array(stride(from: start, to: stop, by: step))
            return .list(values.map { .int($0) })
        }
    }
}
