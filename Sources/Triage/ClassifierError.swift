/// Why a model, a rule file or training data could not be used. Each message names the thing
/// and what to do about it.
public struct ClassifierError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case invalidRule, invalidModel, noTrainingData, reservedCategory, unreadableInput, tooFewCategories
    }

    private let code: Code
    /// A sentence saying what went wrong, to what, and how to fix it.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A line of a phrase-rule file could not be read.
    public static func invalidRule(file: String, line: Int, reason: String) -> ClassifierError {
        ClassifierError(.invalidRule, "\(file):\(line): \(reason); expected `category  weight  phrase words`")
    }

    /// The model file is missing, damaged or inconsistent.
    public static func invalidModel(_ reason: String) -> ClassifierError {
        ClassifierError(.invalidModel, "classifier model: \(reason); rebuild it with `tact train`")
    }

    /// Training was given nothing to learn from.
    public static func noTrainingData(_ place: String) -> ClassifierError {
        ClassifierError(
            .noTrainingData,
            "no labeled messages in \(place): put messages in one sub-folder per category (e.g. refund/1.eml)")
    }

    /// Training needs at least two categories to tell apart.
    public static func tooFewCategories(_ found: [Category]) -> ClassifierError {
        ClassifierError(
            .tooFewCategories,
            "training found only \(found.map(\.rawValue)): at least two category folders are needed")
    }

    /// `automated` (or another reserved name) was used as a training label.
    public static func reservedCategory(_ category: Category) -> ClassifierError {
        ClassifierError(
            .reservedCategory,
            "'\(category)' cannot be a training label: machine mail is decided by suppression, "
                + "remove that folder from the training data")
    }

    /// A file or folder given as input could not be read.
    public static func unreadableInput(_ path: String, _ reason: String) -> ClassifierError {
        ClassifierError(.unreadableInput, "cannot read \(path): \(reason)")
    }

    public static func == (lhs: ClassifierError, rhs: ClassifierError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
