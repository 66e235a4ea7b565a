import Foundation
public import Logging

/// A swift-log `LogHandler` writing one JSON object per line: `timestamp` (UTC ISO-8601 with
/// milliseconds), `level`, `label`, `message`, `trace_id` when ``TraceContext/current`` is set,
/// then the metadata flattened (nested dictionaries become `outer.inner` keys; a metadata key
/// that clashes with one of those fields is written as `metadata.<key>`; without a current trace,
/// a `trace_id` metadata value is written as `trace_id`).
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed for every line.
    public var metadataProvider: Logger.MetadataProvider?
    private let output: @Sendable (String) -> Void

    private static let reservedKeys: Set<String> = ["timestamp", "level", "label", "message"]
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Creates a handler.
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - logLevel: the lowest level written.
    ///   - metadataProvider: metadata computed for every line.
    ///   - output: receives each line without its newline; defaults to standard output through
    ///     ``LogLineWriter/standardOutput``, which never blocks the logging thread.
    public init(
        label: String,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: (@Sendable (String) -> Void)? = nil
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.output = output ?? { line in LogLineWriter.standardOutput.write(line) }
    }

    /// A metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Writes the event as one JSON line.
    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        self.output(Self.line(
            date: Date(), level: event.level, label: self.label, message: event.message.description,
            traceID: TraceContext.current?.traceID, metadata: merged
        ))
    }

    /// Formats one line; exposed for tests.
    /// - Returns: the JSON object text, without a newline.
    static func line(
        date: Date, level: Logger.Level, label: String, message: String, traceID: String?, metadata: Logger.Metadata
    ) -> String {
        var fields: [(String, String)] = [
            ("timestamp", date.formatted(Self.timestampStyle)),
            ("level", level.rawValue),
            ("label", label),
            ("message", message),
        ]
        if let traceID { fields.append(("trace_id", traceID)) }
        var flat: [(String, String)] = []
        Self.flatten(metadata, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            let clashes = Self.reservedKeys.contains(key) || (traceID != nil && key == "trace_id")
            fields.append((clashes ? "metadata.\(key)" : key, value))
        }
        let body = fields.map { "\(Self.quoted($0.0)):\(Self.quoted($0.1))" }.joined(separator: ",")
        return "{\(body)}"
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into flat: inout [(String, String)]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case .dictionary(let nested): Self.flatten(nested, prefix: name, into: &flat)
            case .array(let items): flat.append((name, "[" + items.map(\.description).joined(separator: ", ") + "]"))
            case .string(let text): flat.append((name, text))
            case .stringConvertible(let item): flat.append((name, item.description))
            }
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
