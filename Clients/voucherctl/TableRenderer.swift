import Foundation

/// Renders a decoded JSON object as text: scalars as aligned `key  value` lines (nested keys
/// dotted), arrays of objects as tables with one column per key. Fields named `*_micros` are
/// shown as UTC ISO 8601 times (0 as "-").
enum TableRenderer {
    /// Renders `object` (from `JSONSerialization`).
    /// - Parameter object: the decoded JSON.
    /// - Returns: the text, ending in a newline.
    static func render(_ object: Any) -> String {
        var pairs: [(String, String)] = []
        var tables: [(String, [[String: Any]])] = []
        Self.flatten(object, prefix: "", pairs: &pairs, tables: &tables)
        var output = ""
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            output += key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        for (name, rows) in tables {
            if !output.isEmpty { output += "\n" }
            output += "\(name) (\(rows.count)):\n" + Self.grid(rows)
        }
        if output.isEmpty { output = "(empty)\n" }
        return output
    }

    private static func flatten(_ value: Any, prefix: String, pairs: inout [(String, String)], tables: inout [(String, [[String: Any]])]) {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                Self.flatten(object[key]!, prefix: path, pairs: &pairs, tables: &tables)
            }
        } else if let array = value as? [Any] {
            if let rows = array as? [[String: Any]] {
                tables.append((prefix, rows))
            } else {
                pairs.append((prefix, array.map { Self.scalar($0, key: prefix) }.joined(separator: ", ")))
            }
        } else {
            pairs.append((prefix, Self.scalar(value, key: prefix)))
        }
    }

    /// Columns are the union of the rows' keys (nested objects dotted), in first-seen order.
    private static func grid(_ rows: [[String: Any]]) -> String {
        var columns: [String] = []
        var flatRows: [[String: String]] = []
        for row in rows {
            var pairs: [(String, String)] = []
            var nested: [(String, [[String: Any]])] = []
            Self.flatten(row, prefix: "", pairs: &pairs, tables: &nested)
            var flat: [String: String] = [:]
            for (key, value) in pairs {
                if !columns.contains(key) { columns.append(key) }
                flat[key] = value
            }
            flatRows.append(flat)
        }
        let cells = [columns.map { $0.uppercased() }] + flatRows.map { row in columns.map { row[$0] ?? "" } }
        var widths = [Int](repeating: 0, count: columns.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return cells.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func scalar(_ value: Any, key: String) -> String {
        if key.hasSuffix("_micros"), let number = value as? NSNumber {
            let micros = number.int64Value
            if micros == 0 { return "-" }
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            return date.formatted(.iso8601)
        }
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        if value is NSNull { return "" }
        return "\(value)"
    }
}
