import Foundation

/// Walks the syntax tree once per render. Scoping follows Jinja: `{% set %}` writes the
/// innermost scope; every for-loop iteration and every macro call gets a fresh scope that is
/// dropped afterwards (which is why templates use `namespace()` to carry values out of loops);
/// `if` blocks share their parent's scope.
final class TemplateRenderer {
    enum Flow { case normal, breakLoop, continueLoop }

    private var scopes: [[String: Value]]
    private var output = ""
    private var macroDepth = 0
    /// Evaluation recurses once per operator; long chains such as `1 + 1 + … + 1` build deep
    /// trees, so the depth is capped to keep the stack safe on small thread stacks.
    private var evaluationDepth = 0
    static let maximumEvaluationDepth = 200
    static let maximumMacroDepth = 32
    let now: Date
    let timeZone: TimeZone

    init(context: [String: Value], now: Date, timeZone: TimeZone) {
        scopes = [context, [:]]
        self.now = now
        self.timeZone = timeZone
    }

    func render(_ nodes: [Node]) throws -> String {
        _ = try execute(nodes)
        return output
    }

    // MARK: - Statements

    private func execute(_ nodes: [Node]) throws -> Flow {
        for node in nodes {
            let flow = try execute(node)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ node: Node) throws -> Flow {
        switch node {
        case .text(let text):
            output += text
        case .output(let expression):
            output += Python.str(try evaluate(expression))
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition).isTruthy {
                return try execute(branch.body)
            }
            return try execute(otherwise)
        case .forLoop(let loop):
            try executeFor(loop)
        case .set(let target, let expression, let location):
            try assign(target, try evaluate(expression), at: location)
        case .setBlock(let target, let body, let filters, let location):
            var value = Value.string(try capture(body))
            for filter in filters {
                value = try applyFilter(filter.name, value, filter.arguments, at: filter.location)
            }
            try assign(target, value, at: location)
        case .filterBlock(let body, let filters):
            var value = Value.string(try capture(body))
            for filter in filters {
                value = try applyFilter(filter.name, value, filter.arguments, at: filter.location)
            }
            output += Python.str(value)
        case .macro(let macro):
            scopes[scopes.count - 1][macro.name] = .macro(macro, scopeDepth: scopes.count)
        case .block(let body):
            return try execute(body)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    /// Renders `body` into a string instead of the output (set blocks, filter blocks, macros).
    private func capture(_ body: [Node]) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try execute(body)
        return output
    }

    private func executeFor(_ loop: ForLoop) throws {
        let iterable = try evaluate(loop.iterable)
        var items: [Value]
        do {
            items = try Operators.iterate(iterable)
        } catch let failure as TemplateFailure {
            throw ChatTemplateError(.render, failure.message, at: loop.iterable.location)
        }
        if let filter = loop.filter {
            var kept: [Value] = []
            for item in items {
                scopes.append([:])
                defer { scopes.removeLast() }
                try assign(loop.target, item, at: loop.location)
                if try evaluate(filter).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            scopes.append([:])
            defer { scopes.removeLast() }
            _ = try execute(loop.otherwise)
            return
        }
        for (i, item) in items.enumerated() {
            scopes.append([:])
            defer { scopes.removeLast() }
            try assign(loop.target, item, at: loop.location)
            let state = Value.LoopState(index0: i, length: items.count, previous: i > 0 ? items[i - 1] : nil,
                                        nextItem: i + 1 < items.count ? items[i + 1] : nil)
            scopes[scopes.count - 1]["loop"] = .loop(state)
            if try execute(loop.body) == .breakLoop { break }
        }
    }

    private func assign(_ target: AssignTarget, _ value: Value, at location: SourceLocation) throws {
        switch target {
        case .name(let name):
            scopes[scopes.count - 1][name] = value
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let namespace) = lookup(name) else {
                throw ChatTemplateError(.render, "can only set attributes on namespace objects; '\(name)' is not a namespace()",
                                        at: location)
            }
            namespace.attributes[attribute] = value
        case .tuple(let targets):
            let items: [Value]
            switch value {
            case .list(let values), .tuple(let values): items = values
            case .string, .dictionary:
                items = (try? Operators.iterate(value)) ?? []
            default:
                throw ChatTemplateError(.render, "cannot unpack non-iterable \(value.typeName) object", at: location)
            }
            guard items.count == targets.count else {
                throw ChatTemplateError(
                    .render,
                    items.count > targets.count
                        ? "too many values to unpack (expected \(targets.count))"
                        : "not enough values to unpack (expected \(targets.count), got \(items.count))",
                    at: location)
            }
            for (target, item) in zip(targets, items) { try assign(target, item, at: location) }
        }
    }

    func lookup(_ name: String) -> Value {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        if Globals.names.contains(name) { return .builtin(name) }
        return .undefined("'\(name)' is undefined")
    }

    // MARK: - Expressions

    func evaluate(_ expression: Expression) throws -> Value {
        evaluationDepth += 1
        defer { evaluationDepth -= 1 }
        guard evaluationDepth <= Self.maximumEvaluationDepth else {
            throw ChatTemplateError(.render, "expression nested more than \(Self.maximumEvaluationDepth) operations deep",
                                    at: expression.location)
        }
        do {
            return try evaluateKind(expression)
        } catch let failure as TemplateFailure {
            throw ChatTemplateError(failure.kind, failure.message, at: expression.location)
        }
    }

    private func evaluateKind(_ expression: Expression) throws -> Value {
        switch expression.kind {
        case .literal(let value):
            return Value(value)
        case .name(let name):
            return lookup(name)
        case .list(let items):
            return .list(try items.map(evaluate))
        case .tuple(let items):
            return .tuple(try items.map(evaluate))
        case .dictionary(let pairs):
            var result = Value.Dictionary()
            for pair in pairs {
                let key = try evaluate(pair.key)
                guard case .string(let name) = key else {
                    throw ChatTemplateError(.render, "dictionary keys must be strings here, got \(key.typeName)",
                                            at: pair.key.location)
                }
                result[name] = try evaluate(pair.value)
            }
            return .dictionary(result)
        case .attribute(let base, let name):
            return Members.attribute(try evaluate(base), name)
        case .item(let base, let key):
            return Members.item(try evaluate(base), try evaluate(key))
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base)
            return try Operators.slice(value, start: try sliceBound(start), stop: try sliceBound(stop),
                                       step: try sliceBound(step))
        case .call(let callee, let arguments):
            let function = try evaluate(callee)
            let (positional, keywords) = try evaluateArguments(arguments)
            return try call(function, positional, keywords)
        case .filter(let base, let name, let arguments):
            return try applyFilter(name, try evaluate(base), arguments, at: expression.location)
        case .test(let base, let name, let arguments, let negated):
            let value = try evaluate(base)
            let (positional, _) = try evaluateArguments(arguments)
            let result = try TemplatePredicates.test(name, value, positional, renderer: self)
            return .bool(result != negated)
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            switch op {
            case .not: return .bool(!value.isTruthy)
            case .plus, .negate:
                if case .undefined(let why) = value { throw TemplateFailure(why) }
                guard let number = value.numeric else {
                    throw TemplateFailure("bad operand type for unary \(op == .plus ? "+" : "-"): '\(value.typeName)'")
                }
                if op == .plus {
                    if case .int(let i) = number { return .int(i) }
                    return .double(number.asDouble)
                }
                if case .int(let i) = number {
                    guard i != .min else { throw TemplateFailure("integer overflow in unary '-'") }
                    return .int(-i)
                }
                return .double(-number.asDouble)
            }
        case .binary(let op, let left, let right):
            return try Operators.binary(op, try evaluate(left), try evaluate(right))
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .compare(let first, let operations):
            var left = try evaluate(first)
            for operation in operations {
                let right = try evaluate(operation.operand)
                guard try Operators.compare(operation.op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            if let otherwise { return try evaluate(otherwise) }
            return .undefined("the conditional expression had no else branch")
        }
    }

    private func sliceBound(_ expression: Expression?) throws -> Int? {
        guard let expression else { return nil }
        switch try evaluate(expression) {
        case .none: return nil
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case let other:
            throw ChatTemplateError(.render, "slice indices must be integers or none, not \(other.typeName)",
                                    at: expression.location)
        }
    }

    func evaluateArguments(_ arguments: Arguments) throws -> ([Value], [(String, Value)]) {
        let positional = try arguments.positional.map(evaluate)
        let keywords = try arguments.keywords.map { ($0.name, try evaluate($0.value)) }
        return (positional, keywords)
    }

    func applyFilter(_ name: String, _ value: Value, _ arguments: Arguments, at location: SourceLocation) throws -> Value {
        let (positional, keywords) = try evaluateArguments(arguments)
        do {
            return try TemplateFilters.apply(name, value, CallArguments(positional, keywords), renderer: self)
        } catch let failure as TemplateFailure {
            throw ChatTemplateError(failure.kind, "filter '\(name)': \(failure.message)", at: location)
        }
    }

    func call(_ function: Value, _ positional: [Value], _ keywords: [(String, Value)]) throws -> Value {
        let arguments = CallArguments(positional, keywords)
        switch function {
        case .method(let receiver, let name):
            return try Members.callMethod(receiver, name, arguments)
        case .builtin(let name):
            return try Globals.call(name, arguments, renderer: self)
        case .macro(let macro, let depth):
            return try callMacro(macro, scopeDepth: depth, arguments)
        case .undefined(let why):
            throw TemplateFailure(why)
        default:
            throw TemplateFailure("'\(function.typeName)' object is not callable")
        }
    }

    private func callMacro(_ macro: Macro, scopeDepth: Int, _ arguments: CallArguments) throws -> Value {
        guard macroDepth < Self.maximumMacroDepth else {
            throw TemplateFailure("macro '\(macro.name)' recursed more than \(Self.maximumMacroDepth) levels deep")
        }
        guard arguments.positional.count <= macro.parameters.count else {
            throw TemplateFailure("macro '\(macro.name)' takes \(macro.parameters.count) arguments, got \(arguments.positional.count)")
        }
        var frame: [String: Value] = [:]
        for (i, parameter) in macro.parameters.enumerated() {
            if i < arguments.positional.count {
                frame[parameter.name] = arguments.positional[i]
            } else if let value = arguments.keyword(parameter.name) {
                frame[parameter.name] = value
            } else if let defaultValue = parameter.defaultValue {
                frame[parameter.name] = try evaluate(defaultValue)
            } else {
                frame[parameter.name] = .undefined("parameter '\(parameter.name)' of macro '\(macro.name)' was not provided")
            }
        }
        for (name, _) in arguments.keywords where !macro.parameters.contains(where: { $0.name == name }) {
            throw TemplateFailure("macro '\(macro.name)' takes no keyword argument '\(name)'")
        }
        let savedScopes = scopes
        scopes = Array(scopes.prefix(scopeDepth)) + [frame]
        macroDepth += 1
        defer {
            scopes = savedScopes
            macroDepth -= 1
        }
        return .string(try capture(macro.body))
    }
}

/// Evaluated arguments of a call, with Python-style lookup by position or keyword.
struct CallArguments {
    var positional: [Value]
    var keywords: [(String, Value)]

    init(_ positional: [Value], _ keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    func keyword(_ name: String) -> Value? { keywords.last { $0.0 == name }?.1 }

    /// The argument at `index` or named `name`, if given.
    func get(_ index: Int, _ name: String) -> Value? {
        index < positional.count ? positional[index] : keyword(name)
    }

    var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }
}
