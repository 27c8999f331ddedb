/// An expression of the template language, with where it starts in the source for error messages.
struct Expression: Sendable {
    var kind: ExpressionKind
    var location: SourceLocation
}

/// Arguments of a call, filter or test: positional first, then `name=value` keywords.
struct Arguments: Sendable {
    var positional: [Expression] = []
    var keywords: [(name: String, value: Expression)] = []
}

indirect enum ExpressionKind: Sendable {
    case literal(TemplateValue)
    case name(String)
    case list([Expression])
    case tuple([Expression])
    case dictionary([(key: Expression, value: Expression)])
    case attribute(Expression, String)
    case item(Expression, Expression)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    case call(Expression, Arguments)
    case filter(Expression, name: String, Arguments)
    case test(Expression, name: String, Arguments, negated: Bool)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    /// A chain such as `a < b <= c`, evaluated pairwise as in Python.
    case compare(Expression, [(op: CompareOperator, operand: Expression)])
    /// `then if condition else otherwise`; without `else` the result is undefined when false.
    case conditional(condition: Expression, then: Expression, otherwise: Expression?)
}

enum UnaryOperator: Sendable { case negate, plus, not }

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%"
    case power = "**", concat = "~"
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in` = "in", notIn = "not in"
}

/// What a `{% set %}` or `{% for %}` assigns to.
indirect enum AssignTarget: Sendable {
    case name(String)
    /// `ns.attribute`: the only attribute assignment Jinja allows, on a `namespace()`.
    case namespaceAttribute(String, String)
    case tuple([AssignTarget])
}

/// A statement or piece of output; a template is a list of these.
indirect enum Node: Sendable {
    case text(String)
    case output(Expression)
    case conditional(branches: [(condition: Expression, body: [Node])], otherwise: [Node])
    case forLoop(ForLoop)
    case set(AssignTarget, Expression, SourceLocation)
    case setBlock(AssignTarget, body: [Node], filters: [(name: String, arguments: Arguments, location: SourceLocation)],
                  SourceLocation)
    case filterBlock(body: [Node], filters: [(name: String, arguments: Arguments, location: SourceLocation)])
    case macro(Macro)
    /// `{% generation %}…{% endgeneration %}` (transformers' assistant-mask extension): output as is.
    case block([Node])
    case breakLoop(SourceLocation)
    case continueLoop(SourceLocation)
}

struct ForLoop: Sendable {
    var target: AssignTarget
    var iterable: Expression
    var filter: Expression?
    var body: [Node]
    var otherwise: [Node]
    var location: SourceLocation
}

struct Macro: Sendable {
    var name: String
    var parameters: [(name: String, defaultValue: Expression?)]
    var body: [Node]
    var location: SourceLocation
}
