import Foundation
import MailParsing

/// Reads labeled mail for training and evaluation: a folder with one sub-folder per category,
/// each holding `.eml` files (`corpus/train/refund/001.eml`). Reviewers' corrections use the
/// same layout, so they are simply another folder.
public enum ClassifierCorpus {
    /// Every labeled message under `directory`, parsed with `MailParser` (GMime), in a fixed
    /// order (categories, then file names)
    /// so training on the same folder always gives the same model.
    /// - Throws: `ClassifierError.unreadableInput` for a missing folder or an unreadable file,
    ///   `.noTrainingData` when there are no `.eml` files at all.
    public static func load(directory: String) throws -> [LabeledText] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClassifierError.unreadableInput(directory, "no such folder")
        }
        let root = URL(fileURLWithPath: directory)
        let parser = MailParser()
        var samples: [LabeledText] = []
        for folder in try contents(of: root) {
            var folderIsDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &folderIsDirectory),
                folderIsDirectory.boolValue
            else { continue }
            let category = Category(folder.lastPathComponent)
            for file in try contents(of: folder) where file.pathExtension.lowercased() == "eml" {
                let data: Data
                do {
                    data = try Data(contentsOf: file)
                } catch {
                    throw ClassifierError.unreadableInput(file.path, error.localizedDescription)
                }
                let message: InboundMessage
                do {
                    message = try parser.parse(data)
                } catch {
                    throw ClassifierError.unreadableInput(file.path, "not a readable message (\(error))")
                }
                // Only the customer's own words, as the classifier sees them in production.
                samples.append(LabeledText(category: category, subject: message.subject, text: message.text.ownWords))
            }
        }
        guard !samples.isEmpty else { throw ClassifierError.noTrainingData(directory) }
        return samples
    }

    private static func contents(of folder: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw ClassifierError.unreadableInput(folder.path, error.localizedDescription)
        }
    }
}
