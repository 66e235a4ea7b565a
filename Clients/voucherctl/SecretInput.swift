import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password or API key: the first line of standard input with `--password-stdin`
/// (scripts), else a prompt without echo at a terminal. Never from a flag, which `ps` shows.
enum SecretInput {
    /// Reads the secret.
    /// - Parameters:
    ///   - prompt: the prompt, such as "Password: ".
    ///   - fromStandardInput: read one line of standard input instead of prompting.
    ///   - flag: the flag to name when neither works.
    /// - Throws: ``CLIError`` when there is nothing to read.
    static func read(prompt: String, fromStandardInput: Bool, flag: String) throws -> String {
        if fromStandardInput {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError("\(flag): standard input held no line")
            }
            return line
        }
        guard isatty(STDIN_FILENO) == 1, let entered = getpass(prompt) else {
            throw CLIError("standard input is not a terminal; pipe the secret and pass \(flag)")
        }
        let secret = String(cString: entered)
        guard !secret.isEmpty else { throw CLIError("empty input") }
        return secret
    }
}
