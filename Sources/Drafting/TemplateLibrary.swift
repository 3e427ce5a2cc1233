import Foundation

/// The reply templates of a deployment: one `<category>.mustache` per category plus
/// `uncertain.mustache`, which asks an open question when classification is unsure.
public struct TemplateLibrary: Sendable {
    /// The default categories; each needs a template, and so does `uncertain`.
    public static let requiredNames = [
        "complaint", "refund", "order-status", "billing", "technical", "cancellation", "praise", "question", "uncertain",
    ]

    public let directory: String
    public let templates: [String: ReplyTemplate]

    /// Loads and checks every `*.mustache` file in `directory`.
    /// - Throws: every problem found, not only the first, so `tact templates check` can list them all.
    public init(directory: String) throws(TemplateLibraryError) {
        self.directory = directory
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw TemplateLibraryError(problems: [
                TemplateError(file: directory, line: 0, message: "cannot read the templates folder: check the path (templates_dir in tact.toml)")
            ])
        }
        var templates: [String: ReplyTemplate] = [:]
        var problems: [TemplateError] = []
        let realDirectory = Self.realPath(directory)
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            let name = String(file.dropLast(".mustache".count))
            // A template is read from the folder itself: a symbolic link out of it (to a key, a
            // password file, another deployment's folder) is refused, not followed.
            if let realDirectory, let target = Self.realPath(path), !target.hasPrefix(realDirectory + "/") {
                problems.append(TemplateError(
                    file: path, line: 0,
                    message: "is a link to \(target), outside the templates folder: copy the template into \(directory) instead"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(TemplateError(file: path, line: 0, message: "cannot read the file: check its permissions"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(TemplateError(file: path, line: 0, message: "the file is not UTF-8 text: save it as UTF-8"))
                continue
            }
            do {
                templates[name] = try ReplyTemplate(name: name, file: path, text: text)
            } catch {
                problems.append(error)
            }
        }
        for name in Self.requiredNames where templates[name] == nil && !problems.contains(where: { $0.file.hasSuffix("/\(name).mustache") }) {
            problems.append(TemplateError(
                file: (directory as NSString).appendingPathComponent("\(name).mustache"), line: 0,
                message: "missing: every category needs a template; copy one of the shipped templates and adapt it"))
        }
        guard problems.isEmpty else { throw TemplateLibraryError(problems: problems) }
        self.templates = templates
    }

    /// The path with every symbolic link resolved, or nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The template for a classified message: `uncertain` when classification was unsure, else the
    /// category's own, else `question`.
    public func template(category: String, uncertain: Bool) -> ReplyTemplate {
        if uncertain, let template = self.templates["uncertain"] { return template }
        return self.templates[category] ?? self.templates["question"]!
    }
}

/// All the problems found in a templates folder.
public struct TemplateLibraryError: Error, Sendable, CustomStringConvertible {
    public let problems: [TemplateError]
    public var description: String { self.problems.map(\.description).joined(separator: "\n") }
}
