import ArgumentParser

/// A problem the user can fix: printed as `tact: <message>` with exit status 2.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
