import Foundation

extension ServiceSetting {
    /// The first line of the file this setting names, without its line ending.
    ///
    /// Why: secrets (a bootstrap password, an API key) are passed as files, so they are not in
    /// `ps` or the environment of child processes; every service reads such a file, and reports
    /// a bad one, the same way.
    /// - Parameters:
    ///   - path: the file the setting names.
    ///   - what: what the line holds, for the error, such as `password` or `API key`.
    /// - Returns: the first line, not empty.
    /// - Throws: ``ConfigurationError`` naming this setting if the file cannot be read or its
    ///   first line is empty.
    public func firstLine(ofFile path: String, holding what: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: self.name, problem: "cannot read file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty else {
            throw ConfigurationError(key: self.name, problem: "file \(path) holds no \(what) on its first line")
        }
        return line
    }
}
