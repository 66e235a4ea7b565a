import Foundation
import SwiftProtobuf

/// Prints response messages as JSON or as a table derived from the same JSON, so every command
/// shows every field the API returns, in both formats.
enum Output {
    /// Prints `message` in `format`.
    /// - Parameters:
    ///   - message: the response.
    ///   - format: json or table.
    ///   - title: a line printed above the table (not in JSON, which stays machine-readable).
    static func print(_ message: some SwiftProtobuf.Message, format: OutputFormat, title: String? = nil) throws {
        Swift.print(try Self.render(message, format: format, title: title), terminator: "")
    }

    /// The text ``print(_:format:title:)`` writes, ending in a newline.
    static func render(_ message: some SwiftProtobuf.Message, format: OutputFormat, title: String? = nil) throws -> String {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        options.alwaysPrintInt64sAsNumbers = true
        options.useDeterministicOrdering = true
        let json = try message.jsonString(options: options)
        switch format {
        case .json:
            return json + "\n"
        case .table:
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
            return (title.map { $0 + "\n" } ?? "") + TableRenderer.render(object)
        }
    }
}
