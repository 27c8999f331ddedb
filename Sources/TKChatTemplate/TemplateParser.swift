/// Builds the syntax tree from tokens, following the grammar and operator precedence of
/// `jinja2/parser.py` (lowest first): conditional `a if c else b`, `or`, `and`, `not`,
/// comparisons and `in`, `+ -`, `~`, `* / // %`, `**`, unary `- +`, then primaries with
/// `.attr`, `[subscript]`, `(call)`, `|filter` and `is test`.
struct TemplateParser {
    private var tokens: [Token]
    private var index = 0
    /// For-loop bodies around the current position (macro bodies reset it): `break` and
    /// `continue` are only valid inside one, which Jinja checks when compiling.
    private var loopDepth = 0
    /// Blocks being parsed (innermost last) with the tags that may continue or close them,
    /// so a stray `{% endfor %}` inside an `if` can say which block is still open.
    private var openBlocks: [(tag: String, location: SourceLocation, endTags: Set<String>)] = []
    /// Brackets, unary operators and nested conditionals around the current position. Parsing
    /// recurses on each, so a hostile template could otherwise exhaust the stack.
    private var nesting = 0
    static let maximumNesting = 64

    private mutating func enterNested(_ location: SourceLocation) throws(ChatTemplateError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw ChatTemplateError(.syntax, "expression or block nested more than \(Self.maximumNesting) levels deep",
                                    at: location)
        }
    }

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ source: String) throws(ChatTemplateError) -> [Node] {
        var parser = TemplateParser(tokens: try TemplateLexer.tokenize(source))
        let (nodes, end) = try parser.parseBody(until: [])
        if let end {
            throw ChatTemplateError(.syntax, "encountered unknown tag '\(end.name)'", at: end.location)
        }
        return nodes
    }

    // MARK: - Token helpers

    private var current: Token { tokens[index] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isOp(_ op: String, _ token: Token? = nil) -> Bool {
        if case .op(let value) = (token ?? current).kind { return value == op }
        return false
    }

    private func isName(_ name: String, _ token: Token? = nil) -> Bool {
        if case .name(let value) = (token ?? current).kind { return value == name }
        return false
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .text: "template text"
        case .variableBegin: "'{{'"
        case .variableEnd: "'}}'"
        case .blockBegin: "'{%'"
        case .blockEnd: "'%}'"
        case .name(let name): "'\(name)'"
        case .string(let value): "string '\(value)'"
        case .integer(let value): "integer \(value)"
        case .float(let value): "number \(value)"
        case .op(let op): "'\(op)'"
        case .end: "end of template"
        }
    }

    private mutating func expectOp(_ op: String, _ context: String) throws(ChatTemplateError) {
        guard isOp(op) else {
            throw ChatTemplateError(.syntax, "expected '\(op)' \(context), got \(describe(current))", at: current.location)
        }
        _ = advance()
    }

    private mutating func expectName(_ context: String) throws(ChatTemplateError) -> String {
        guard case .name(let name) = current.kind else {
            throw ChatTemplateError(.syntax, "expected a name \(context), got \(describe(current))", at: current.location)
        }
        _ = advance()
        return name
    }

    private mutating func expectKeyword(_ keyword: String, _ context: String) throws(ChatTemplateError) {
        guard isName(keyword) else {
            throw ChatTemplateError(.syntax, "expected '\(keyword)' \(context), got \(describe(current))", at: current.location)
        }
        _ = advance()
    }

    private mutating func expectBlockEnd(_ tag: String) throws(ChatTemplateError) {
        guard case .blockEnd = current.kind else {
            throw ChatTemplateError(.syntax, "expected '%}' to end the '\(tag)' tag, got \(describe(current))",
                                    at: current.location)
        }
        _ = advance()
    }

    // MARK: - Statements

    /// Parses nodes until a `{% name %}` tag whose name is in `endTags`; returns that name and
    /// leaves the parser just after it (before the rest of that tag).
    private mutating func parseBody(until endTags: Set<String>)
        throws(ChatTemplateError) -> ([Node], (name: String, location: SourceLocation)?)
    {
        var nodes: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                return (nodes, nil)
            case .text(let text):
                _ = advance()
                nodes.append(.text(text))
            case .variableBegin:
                _ = advance()
                let expression = try parseTuple()
                guard case .variableEnd = current.kind else {
                    throw ChatTemplateError(.syntax, "expected '}}' to end the expression, got \(describe(current))",
                                            at: current.location)
                }
                _ = advance()
                nodes.append(.output(expression))
            case .blockBegin:
                _ = advance()
                guard case .name(let tag) = current.kind else {
                    throw ChatTemplateError(.syntax, "expected a tag name after '{%', got \(describe(current))",
                                            at: current.location)
                }
                if endTags.contains(tag) {
                    let location = current.location
                    _ = advance()
                    return (nodes, (tag, location))
                }
                nodes.append(try parseStatement(tag, opened: token.location))
            default:
                throw ChatTemplateError(.syntax, "unexpected \(describe(token))", at: token.location)
            }
        }
    }

    /// Like `parseBody`, but reaching the end of the template is an error naming the open block.
    private mutating func parseBlockBody(_ tag: String, opened location: SourceLocation, until endTags: Set<String>)
        throws(ChatTemplateError) -> ([Node], String)
    {
        openBlocks.append((tag, location, endTags))
        defer { openBlocks.removeLast() }
        guard openBlocks.count <= Self.maximumNesting else {
            throw ChatTemplateError(.syntax, "blocks nested more than \(Self.maximumNesting) levels deep", at: location)
        }
        let (nodes, end) = try parseBody(until: endTags)
        guard let end else {
            let expected = endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
            throw ChatTemplateError(
                .syntax, "unexpected end of template: the '\(tag)' block opened here was never closed (expected \(expected))",
                at: location)
        }
        return (nodes, end.name)
    }

    private mutating func parseStatement(_ tag: String, opened location: SourceLocation) throws(ChatTemplateError) -> Node {
        switch tag {
        case "if": return try parseIf(location)
        case "for": return try parseFor(location)
        case "set": return try parseSet(location)
        case "macro": return try parseMacro(location)
        case "filter": return try parseFilterBlock(location)
        case "generation":
            _ = advance()
            try expectBlockEnd(tag)
            let (body, _) = try parseBlockBody(tag, opened: location, until: ["endgeneration"])
            try expectBlockEnd("endgeneration")
            return .block(body)
        case "break", "continue":
            guard loopDepth > 0 else {
                throw ChatTemplateError(.syntax, "'\(tag)' is only valid inside a for loop", at: location)
            }
            _ = advance()
            try expectBlockEnd(tag)
            return tag == "break" ? .breakLoop(location) : .continueLoop(location)
        default:
            if let innermost = openBlocks.last, tag.hasPrefix("end") || tag == "else" || tag == "elif" {
                let expected = innermost.endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
                throw ChatTemplateError(
                    .syntax,
                    "unexpected '\(tag)': the innermost open block is '\(innermost.tag)' from \(innermost.location), which expects \(expected)",
                    at: location)
            }
            throw ChatTemplateError(
                .syntax,
                "encountered unknown tag '\(tag)'; supported tags: if, for, set, macro, filter, generation, break, continue, raw",
                at: location)
        }
    }

    private mutating func parseIf(_ location: SourceLocation) throws(ChatTemplateError) -> Node {
        _ = advance()
        var branches: [(condition: Expression, body: [Node])] = []
        var otherwise: [Node] = []
        var tag = "if"
        while true {
            let condition = try parseTuple(withConditional: false)
            try expectBlockEnd(tag)
            let (body, end) = try parseBlockBody("if", opened: location, until: ["elif", "else", "endif"])
            branches.append((condition, body))
            if end == "elif" {
                tag = "elif"
                continue
            }
            if end == "else" {
                try expectBlockEnd("else")
                (otherwise, _) = try parseBlockBody("if", opened: location, until: ["endif"])
            }
            try expectBlockEnd("endif")
            return .conditional(branches: branches, otherwise: otherwise)
        }
    }

    private mutating func parseFor(_ location: SourceLocation) throws(ChatTemplateError) -> Node {
        _ = advance()
        let target = try parseAssignTarget(allowNamespace: false)
        try expectKeyword("in", "after the loop variable of 'for'")
        let iterable = try parseTuple(withConditional: false, extraEnd: ["recursive", "if"])
        var filter: Expression? = nil
        if isName("if") {
            _ = advance()
            filter = try parseExpression()
        }
        if isName("recursive") {
            throw ChatTemplateError(.syntax, "recursive for loops are not supported", at: current.location)
        }
        try expectBlockEnd("for")
        loopDepth += 1
        let (body, end) = try parseBlockBody("for", opened: location, until: ["endfor", "else"])
        loopDepth -= 1
        var otherwise: [Node] = []
        if end == "else" {
            try expectBlockEnd("else")
            (otherwise, _) = try parseBlockBody("for", opened: location, until: ["endfor"])
        }
        try expectBlockEnd("endfor")
        return .forLoop(ForLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise,
                                location: location))
    }

    private mutating func parseSet(_ location: SourceLocation) throws(ChatTemplateError) -> Node {
        _ = advance()
        let target = try parseAssignTarget(allowNamespace: true)
        if isOp("=") {
            _ = advance()
            let value = try parseTuple()
            try expectBlockEnd("set")
            return .set(target, value, location)
        }
        let filters = try parseFilterChain(requireFirst: false)
        try expectBlockEnd("set")
        let (body, _) = try parseBlockBody("set", opened: location, until: ["endset"])
        try expectBlockEnd("endset")
        return .setBlock(target, body: body, filters: filters, location)
    }

    private mutating func parseFilterBlock(_ location: SourceLocation) throws(ChatTemplateError) -> Node {
        _ = advance()
        let filters = try parseFilterChain(requireFirst: true)
        try expectBlockEnd("filter")
        let (body, _) = try parseBlockBody("filter", opened: location, until: ["endfilter"])
        try expectBlockEnd("endfilter")
        return .filterBlock(body: body, filters: filters)
    }

    /// `name(.name)*(args)?` separated by `|`, as after `{% filter` or `{% set x |`.
    private mutating func parseFilterChain(requireFirst: Bool)
        throws(ChatTemplateError) -> [(name: String, arguments: Arguments, location: SourceLocation)]
    {
        var filters: [(name: String, arguments: Arguments, location: SourceLocation)] = []
        var first = requireFirst
        while first || isOp("|") {
            if !first { _ = advance() }
            first = false
            let location = current.location
            let name = try parseDottedName("filter")
            try checkFilter(name, location)
            let arguments = isOp("(") ? try parseCallArguments() : Arguments()
            filters.append((name, arguments, location))
        }
        return filters
    }

    private mutating func parseMacro(_ location: SourceLocation) throws(ChatTemplateError) -> Node {
        _ = advance()
        let name = try expectName("after 'macro'")
        try expectOp("(", "after the macro name")
        var parameters: [(name: String, defaultValue: Expression?)] = []
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(",", "between macro parameters") }
            if isOp(")") { break }
            let parameter = try expectName("for a macro parameter")
            var defaultValue: Expression? = nil
            if isOp("=") {
                _ = advance()
                defaultValue = try parseExpression()
            }
            parameters.append((parameter, defaultValue))
        }
        _ = advance()
        try expectBlockEnd("macro")
        let outerLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try parseBlockBody("macro", opened: location, until: ["endmacro"])
        loopDepth = outerLoopDepth
        if case .name = current.kind { _ = advance() }  // `{% endmacro name %}`
        try expectBlockEnd("endmacro")
        return .macro(Macro(name: name, parameters: parameters, body: body, location: location))
    }

    private mutating func parseAssignTarget(allowNamespace: Bool) throws(ChatTemplateError) -> AssignTarget {
        var targets: [AssignTarget] = []
        var isTuple = false
        let parenthesised = isOp("(")
        if parenthesised { _ = advance() }
        while true {
            let location = current.location
            let name = try expectName("to assign to")
            if allowNamespace && isOp(".") {
                _ = advance()
                let attribute = try expectName("after '.' in an assignment")
                targets.append(.namespaceAttribute(name, attribute))
            } else {
                if ["true", "false", "none", "True", "False", "None"].contains(name) {
                    throw ChatTemplateError(.syntax, "cannot assign to the constant '\(name)'", at: location)
                }
                targets.append(.name(name))
            }
            guard isOp(",") else { break }
            isTuple = true
            _ = advance()
            if parenthesised && isOp(")") { break }
        }
        if parenthesised { try expectOp(")", "to close the assignment target") }
        return isTuple || parenthesised && targets.count > 1 ? .tuple(targets) : targets[0]
    }

    private mutating func parseDottedName(_ what: String) throws(ChatTemplateError) -> String {
        var name = try expectName("for the \(what) name")
        while isOp(".") {
            _ = advance()
            name += "." + (try expectName("after '.' in the \(what) name"))
        }
        return name
    }

    // MARK: - Expressions

    /// Comma-separated expressions become a tuple (`{{ a, b }}`, `{% set x = 1, 2 %}`).
    private mutating func parseTuple(withConditional: Bool = true, extraEnd: Set<String> = [],
                                     explicitParentheses: Bool = false) throws(ChatTemplateError) -> Expression
    {
        let location = current.location
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",", "between tuple items") }
            if isTupleEnd(extraEnd) { break }
            items.append(withConditional ? try parseExpression() : try parseOr())
            if isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses {
                throw ChatTemplateError(.syntax, "expected an expression, got \(describe(current))", at: current.location)
            }
        }
        return Expression(kind: .tuple(items), location: location)
    }

    private func isOpening(_ token: Token) -> Bool {
        if case .op(let op) = token.kind { return op == "(" || op == "[" || op == "{" }
        return false
    }

    private func isTupleEnd(_ extraEnd: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .end: return true
        case .op(let op): return op == ")"
        case .name(let name): return extraEnd.contains(name)
        default: return false
        }
    }

    mutating func parseExpression() throws(ChatTemplateError) -> Expression {
        var expression = try parseOr()
        while isName("if") {
            let location = current.location
            _ = advance()
            let condition = try parseOr()
            var otherwise: Expression? = nil
            if isName("else") {
                let elseLocation = advance().location
                try enterNested(elseLocation)
                defer { nesting -= 1 }
                otherwise = try parseExpression()
            }
            expression = Expression(kind: .conditional(condition: condition, then: expression, otherwise: otherwise),
                                    location: location)
        }
        return expression
    }

    private mutating func parseOr() throws(ChatTemplateError) -> Expression {
        var left = try parseAnd()
        while isName("or") {
            let location = advance().location
            left = Expression(kind: .or(left, try parseAnd()), location: location)
        }
        return left
    }

    private mutating func parseAnd() throws(ChatTemplateError) -> Expression {
        var left = try parseNot()
        while isName("and") {
            let location = advance().location
            left = Expression(kind: .and(left, try parseNot()), location: location)
        }
        return left
    }

    private mutating func parseNot() throws(ChatTemplateError) -> Expression {
        if isName("not") {
            let location = advance().location
            try enterNested(location)
            defer { nesting -= 1 }
            return Expression(kind: .unary(.not, try parseNot()), location: location)
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(ChatTemplateError) -> Expression {
        let first = try parseMath1()
        var operations: [(op: CompareOperator, operand: Expression)] = []
        while true {
            var op: CompareOperator? = nil
            if case .op(let symbol) = current.kind, let compare = CompareOperator(rawValue: symbol), compare != .in {
                op = compare
                _ = advance()
            } else if isName("in") {
                op = .in
                _ = advance()
            } else if isName("not") && isName("in", next) {
                op = .notIn
                _ = advance()
                _ = advance()
            }
            guard let op else { break }
            operations.append((op, try parseMath1()))
        }
        if operations.isEmpty { return first }
        return Expression(kind: .compare(first, operations), location: first.location)
    }

    private mutating func parseBinary(_ ops: [String: BinaryOperator],
                                      _ operand: (inout TemplateParser) throws(ChatTemplateError) -> Expression)
        throws(ChatTemplateError) -> Expression
    {
        var left = try operand(&self)
        while case .op(let symbol) = current.kind, let op = ops[symbol] {
            let location = advance().location
            let right = try operand(&self)
            left = Expression(kind: .binary(op, left, right), location: location)
        }
        return left
    }

    private mutating func parseMath1() throws(ChatTemplateError) -> Expression {
        try parseBinary(["+": .add, "-": .subtract]) { (p: inout TemplateParser) throws(ChatTemplateError) in
            try p.parseConcat()
        }
    }

    private mutating func parseConcat() throws(ChatTemplateError) -> Expression {
        try parseBinary(["~": .concat]) { (p: inout TemplateParser) throws(ChatTemplateError) in try p.parseMath2() }
    }

    private mutating func parseMath2() throws(ChatTemplateError) -> Expression {
        try parseBinary(["*": .multiply, "/": .divide, "//": .floorDivide, "%": .modulo]) {
            (p: inout TemplateParser) throws(ChatTemplateError) in try p.parsePower()
        }
    }

    private mutating func parsePower() throws(ChatTemplateError) -> Expression {
        try parseBinary(["**": .power]) { (p: inout TemplateParser) throws(ChatTemplateError) in try p.parseUnary() }
    }

    private mutating func parseUnary(withFilter: Bool = true) throws(ChatTemplateError) -> Expression {
        var expression: Expression
        if isOp("-") || isOp("+") {
            let token = advance()
            try enterNested(token.location)
            defer { nesting -= 1 }
            let operand = try parseUnary(withFilter: false)
            expression = Expression(kind: .unary(isOp("-", token) ? .negate : .plus, operand), location: token.location)
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        if withFilter { expression = try parseFilterExpression(expression) }
        return expression
    }

    private mutating func parsePrimary() throws(ChatTemplateError) -> Expression {
        let token = current
        let location = token.location
        if isOp("(") || isOp("[") || isOp("{") { try enterNested(location) }
        defer { if isOpening(token) { nesting -= 1 } }
        switch token.kind {
        case .name(let name):
            _ = advance()
            switch name {
            case "true", "True": return Expression(kind: .literal(.bool(true)), location: location)
            case "false", "False": return Expression(kind: .literal(.bool(false)), location: location)
            case "none", "None": return Expression(kind: .literal(.none), location: location)
            default: return Expression(kind: .name(name), location: location)
            }
        case .string(var value):
            _ = advance()
            // Adjacent string literals are joined, as in Python.
            while case .string(let more) = current.kind {
                value += more
                _ = advance()
            }
            return Expression(kind: .literal(.string(value)), location: location)
        case .integer(let value):
            _ = advance()
            return Expression(kind: .literal(.int(value)), location: location)
        case .float(let value):
            _ = advance()
            return Expression(kind: .literal(.double(value)), location: location)
        case .op("("):
            _ = advance()
            let inner = try parseTuple(explicitParentheses: true)
            try expectOp(")", "to close '('")
            return inner
        case .op("["):
            _ = advance()
            var items: [Expression] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",", "between list items") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            _ = advance()
            return Expression(kind: .list(items), location: location)
        case .op("{"):
            _ = advance()
            var pairs: [(key: Expression, value: Expression)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",", "between dictionary items") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":", "after a dictionary key")
                pairs.append((key, try parseExpression()))
            }
            _ = advance()
            return Expression(kind: .dictionary(pairs), location: location)
        default:
            throw ChatTemplateError(.syntax, "unexpected \(describe(token)) where an expression should start",
                                    at: location)
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws(ChatTemplateError) -> Expression {
        var expression = base
        while true {
            if isOp(".") {
                let location = advance().location
                switch current.kind {
                case .name(let name):
                    _ = advance()
                    expression = Expression(kind: .attribute(expression, name), location: location)
                case .integer(let value):
                    _ = advance()
                    expression = Expression(kind: .item(expression, Expression(kind: .literal(.int(value)),
                                                                                     location: location)),
                                            location: location)
                default:
                    throw ChatTemplateError(.syntax, "expected an attribute name after '.', got \(describe(current))",
                                            at: current.location)
                }
            } else if isOp("[") {
                let location = advance().location
                expression = try parseSubscript(expression, location)
            } else if isOp("(") {
                expression = Expression(kind: .call(expression, try parseCallArguments()), location: expression.location)
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: Expression, _ location: SourceLocation)
        throws(ChatTemplateError) -> Expression
    {
        var parts: [Expression?] = []
        var pending: Expression? = nil
        var sawColon = false
        while !isOp("]") {
            if isOp(":") {
                _ = advance()
                parts.append(pending)
                pending = nil
                sawColon = true
                guard parts.count < 3 else {
                    throw ChatTemplateError(.syntax, "a slice takes at most three parts", at: location)
                }
            } else {
                guard pending == nil else {
                    throw ChatTemplateError(.syntax, "expected ']' or ':' in a subscript, got \(describe(current))",
                                            at: current.location)
                }
                pending = try parseExpression()
            }
        }
        _ = advance()
        if !sawColon {
            guard let key = pending else {
                throw ChatTemplateError(.syntax, "empty subscript '[]'", at: location)
            }
            return Expression(kind: .item(base, key), location: location)
        }
        parts.append(pending)
        while parts.count < 3 { parts.append(nil) }
        return Expression(kind: .slice(base, start: parts[0], stop: parts[1], step: parts[2]), location: location)
    }

    private mutating func parseCallArguments() throws(ChatTemplateError) -> Arguments {
        try expectOp("(", "to start the arguments")
        var arguments = Arguments()
        while !isOp(")") {
            if !arguments.positional.isEmpty || !arguments.keywords.isEmpty {
                try expectOp(",", "between arguments")
                if isOp(")") { break }
            }
            if case .name(let name) = current.kind, isOp("=", next) {
                _ = advance()
                _ = advance()
                arguments.keywords.append((name, try parseExpression()))
            } else {
                if !arguments.keywords.isEmpty {
                    throw ChatTemplateError(.syntax, "a positional argument cannot follow a keyword argument",
                                            at: current.location)
                }
                if isOp("*") || isOp("**") {
                    throw ChatTemplateError(.syntax, "'*args' and '**kwargs' in calls are not supported", at: current.location)
                }
                arguments.positional.append(try parseExpression())
            }
        }
        _ = advance()
        return arguments
    }

    private mutating func parseFilterExpression(_ base: Expression) throws(ChatTemplateError) -> Expression {
        var expression = base
        while true {
            if isOp("|") {
                _ = advance()
                let location = current.location
                let name = try parseDottedName("filter")
                try checkFilter(name, location)
                let arguments = isOp("(") ? try parseCallArguments() : Arguments()
                expression = Expression(kind: .filter(expression, name: name, arguments), location: location)
            } else if isName("is") {
                _ = advance()
                var negated = false
                if isName("not") {
                    _ = advance()
                    negated = true
                }
                let location = current.location
                let name = try parseDottedName("test")
                guard TemplatePredicates.names.contains(name) else {
                    throw ChatTemplateError(
                        .syntax, "no test named '\(name)'; supported: \(TemplatePredicates.names.sorted().joined(separator: ", "))",
                        at: location)
                }
                var arguments = Arguments()
                if isOp("(") {
                    arguments = try parseCallArguments()
                } else if startsTestArgument() {
                    let argument = try parsePostfix(try parsePrimary())
                    arguments.positional = [argument]
                }
                expression = Expression(kind: .test(expression, name: name, arguments, negated: negated),
                                        location: location)
            } else if isOp("(") {
                expression = Expression(kind: .call(expression, try parseCallArguments()), location: expression.location)
            } else {
                return expression
            }
        }
    }

    /// Jinja lets a test take one argument without parentheses: `x is divisibleby 3`.
    private func startsTestArgument() -> Bool {
        switch current.kind {
        case .name(let name): return !["else", "or", "and", "if", "is", "in", "not"].contains(name)
        case .string, .integer, .float: return true
        case .op(let op): return op == "[" || op == "{"
        default: return false
        }
    }

    private func checkFilter(_ name: String, _ location: SourceLocation) throws(ChatTemplateError) {
        guard TemplateFilters.names.contains(name) else {
            throw ChatTemplateError(
                .syntax, "no filter named '\(name)'; supported: \(TemplateFilters.names.sorted().joined(separator: ", "))",
                at: location)
        }
    }
}
