import Mustache

/// A reply template's Mustache tokens, as swift-mustache parsed them, rendered by a direct walk.
///
/// swift-mustache renders through `Any` and asks every value which of its protocols it conforms
/// to (a dozen dynamic casts per tag); in a backlog that was 6 % of all the CPU Tact used. Reply
/// templates allow only text, variables and sections over the names of `TemplateVariable` (see
/// `ReplyTemplate.scan`), whose values are strings, flags, lists of strings and the customer
/// object, so they can be rendered with a few concrete casts.
///
/// The parse stays swift-mustache's (standalone lines, whitespace), read from the parsed template
/// by reflection. Anything this walk does not know — another token kind, a transform, a content
/// type other than text — makes `init` return nil, and the template is rendered by swift-mustache
/// as before. `TemplateTests` checks that both give the same text for every shipped template and
/// for generated ones, and that the shipped templates take this path.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable, Equatable {
        case text(String)
        /// A name path (`customer.years` is two names; `.` is the current item), and its first
        /// name as a root name of the draft's values, when it is one.
        case variable([String], TemplateName?)
        case section([String], TemplateName?, [Node], inverted: Bool)
    }

    let nodes: [Node]

    /// The tokens of `template`, or nil when it holds anything this renderer does not handle.
    init?(_ template: MustacheTemplate) {
        guard let nodes = Self.nodes(of: template) else { return nil }
        self.nodes = nodes
    }

    private static func nodes(of template: Any) -> [Node]? {
        guard let tokens = Mirror(reflecting: template).children.first(where: { $0.label == "tokens" })?.value as? [Any]
        else { return nil }
        var nodes: [Node] = []
        for token in tokens {
            let mirror = Mirror(reflecting: token)
            guard mirror.displayStyle == .enum, let (label, payload) = mirror.children.first.map({ ($0.label, $0.value) })
            else { return nil }
            switch label {
            case "text":
                guard let text = payload as? String else { return nil }
                nodes.append(.text(text))
            case "variable", "unescapedVariable":
                // Both render the same with the text content type (nothing is escaped).
                guard let path = Self.path(payload) else { return nil }
                nodes.append(.variable(path, TemplateName(rawValue: path[0])))
            case "section", "invertedSection":
                guard let path = Self.path(payload),
                    let inner = Mirror(reflecting: payload).children.first(where: { $0.label == "template" })?.value,
                    let children = Self.nodes(of: inner)
                else { return nil }
                nodes.append(.section(path, TemplateName(rawValue: path[0]), children, inverted: label == "invertedSection"))
            case "contentType":
                // Only the plain-text content type, which changes nothing.
                guard String(describing: type(of: payload)) == "TextContentType" else { return nil }
            default:
                return nil
            }
        }
        return nodes
    }

    /// The name of a variable or section token, split on dots; nil if it has transforms.
    private static func path(_ payload: Any) -> [String]? {
        let fields = Mirror(reflecting: payload).children
        guard let name = fields.first(where: { $0.label == "name" })?.value as? String, !name.isEmpty,
            let transforms = fields.first(where: { $0.label == "transforms" })?.value as? [String], transforms.isEmpty,
            name == "." || (!name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains(".."))
        else { return nil }
        return name == "." ? ["."] : name.split(separator: ".").map(String.init)
    }

    func render(_ values: TemplateValues) -> String {
        var output = ""
        // The contexts sections pushed, innermost last; the draft's values are below them all.
        var stack: [TemplateValue] = []
        Self.render(self.nodes, values: values, stack: &stack, into: &output)
        return output
    }

    // Values are typed (`TemplateValue`): casting each from `Any` (to a string, a list, a flag,
    // the draft's values, the customer's fields) was most of the cost of rendering.
    private static func render(
        _ nodes: [Node], values: TemplateValues, stack: inout [TemplateValue], into output: inout String
    ) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let path, let root):
                guard let value = Self.lookup(path, root: root, values: values, in: stack) else { continue }
                if case .text(let text) = value {
                    output += text
                } else {
                    output += String(describing: value.any)
                }
            case .section(let path, let root, let children, let inverted):
                let value = Self.lookup(path, root: root, values: values, in: stack)
                // swift-mustache's rules: a list renders once per item (none when empty); a flag
                // renders or not; any other value (a string, even empty; the customer object)
                // renders once with itself as the innermost context; no value renders nothing.
                // Inverted: only for an empty list, false, or no value.
                switch value {
                case .list(let list):
                    if inverted {
                        guard list.isEmpty else { continue }
                        Self.render(children, values: values, pushing: .list(list), stack: &stack, into: &output)
                    } else {
                        for item in list { Self.render(children, values: values, pushing: .text(item), stack: &stack, into: &output) }
                    }
                case .flag(let flag):
                    if flag != inverted { Self.render(children, values: values, stack: &stack, into: &output) }
                case .some(let value):
                    if !inverted { Self.render(children, values: values, pushing: value, stack: &stack, into: &output) }
                case .none:
                    if inverted { Self.render(children, values: values, stack: &stack, into: &output) }
                }
            }
        }
    }

    private static func render(
        _ nodes: [Node], values: TemplateValues, pushing object: TemplateValue, stack: inout [TemplateValue],
        into output: inout String
    ) {
        stack.append(object)
        Self.render(nodes, values: values, stack: &stack, into: &output)
        stack.removeLast()
    }

    /// The first name is looked up from the innermost context outwards (the draft's values last,
    /// by the name read when the template was compiled); the rest of a dotted path only inside
    /// what the first name found.
    private static func lookup(
        _ path: [String], root: TemplateName?, values: TemplateValues, in stack: [TemplateValue]
    ) -> TemplateValue? {
        if path.count == 1 && path[0] == "." { return stack.last ?? .root(values) }
        var found: TemplateValue?
        for object in stack.reversed() {
            if let child = Self.child(path[0], of: object) {
                found = child
                break
            }
        }
        if found == nil, let root { found = values.context.templateValue(root, promise: values.promise) }
        guard var current = found else { return nil }
        for name in path.dropFirst() {
            guard let next = Self.child(name, of: current) else { return nil }
            current = next
        }
        return current
    }

    /// A named child: of the draft's values, or of the customer object. Strings and lists have
    /// none (swift-mustache looks for a stored property of that name, and they have no labelled one).
    private static func child(_ name: String, of object: TemplateValue) -> TemplateValue? {
        switch object {
        case .root(let values):
            TemplateName(rawValue: name).flatMap { values.context.templateValue($0, promise: values.promise) }
        case .fields(let fields):
            fields[name].flatMap { TemplateValue(field: $0) }
        case .text, .flag, .list:
            nil
        }
    }
}
