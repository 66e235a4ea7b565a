public import Foundation

/// A strict reader for the small part of YAML 1.2 that Voucherd's files use (`voucherctl campaign
/// create --file`, later configuration). It turns a document into JSON for swift-protobuf's JSON
/// decoder. Anything outside the subset (anchors, tags, multiple documents, complex keys, plain or
/// quoted scalars spanning lines, ...) is refused with a line and column instead of being guessed
/// at, so a file never means something other than what its author saw. No YAML package is a
/// dependency, hence this file and YAMLSubsetParser.swift.
public enum YAMLSubset {
    /// The parser recurses once per nesting level; the limit keeps hostile input off the stack's end.
    public static let maxDepth = 64

    /// Converts a YAML document to UTF-8 JSON. Mappings keep their keys in the order written;
    /// integers are copied digit for digit, so 64-bit values survive.
    public static func jsonData(from text: String) throws(YAMLSubsetError) -> Data {
        var parser = try Parser(text)
        var json = ""
        try parser.parseDocument().writeJSON(to: &json)
        return Data(json.utf8)
    }
}

/// Why a document was refused, and where (1-based line and column, counted in Unicode scalars).
public struct YAMLSubsetError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension YAMLSubset {
    enum Node {
        case null
        case bool(Bool)
        /// JSON number text, kept as text so that integers never pass through Double.
        case number(String)
        case string(String)
        case sequence([Node])
        /// An array, not a dictionary: the JSON must keep the order the author wrote.
        case mapping([(key: String, value: Node)])

        func writeJSON(to out: inout String) {
            switch self {
            case .null: out += "null"
            case .bool(let value): out += value ? "true" : "false"
            case .number(let text): out += text
            case .string(let text): Self.writeString(text, to: &out)
            case .sequence(let items):
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += "," }
                    item.writeJSON(to: &out)
                }
                out += "]"
            case .mapping(let entries):
                out += "{"
                for (index, entry) in entries.enumerated() {
                    if index > 0 { out += "," }
                    Self.writeString(entry.key, to: &out)
                    out += ":"
                    entry.value.writeJSON(to: &out)
                }
                out += "}"
            }
        }

        private static func writeString(_ text: String, to out: inout String) {
            out += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
    }

    // MARK: Quoted scalars

    /// A single- or double-quoted scalar; returns its value and the column after the closing quote.
    /// Quoted scalars must close on their line: multi-line folding of quotes is not supported.
    static func quoted(_ line: [Unicode.Scalar], line l: Int, at c: Int) throws(YAMLSubsetError) -> (String, Int) {
        let quote = line[c]
        var out = String.UnicodeScalarView()
        var i = c + 1
        while i < line.count {
            let s = line[i]
            if s == quote {
                guard quote == "'" && i + 1 < line.count && line[i + 1] == "'" else { return (String(out), i + 1) }
                out.append("'")
                i += 2
            } else if s == "\\" && quote == "\"" && i + 1 < line.count {
                i = try escape(line, l, i, into: &out)
            } else {
                out.append(s)
                i += 1
            }
        }
        let kind = quote == "'" ? "single" : "double"
        throw Parser.error(l, c, "unterminated \(kind)-quoted string (quoted strings must end on the line they start)")
    }

    /// Decodes the escape at line[i] == "\\" (YAML 1.2 §5.7) and returns the index after it.
    private static func escape(_ line: [Unicode.Scalar], _ l: Int, _ i: Int, into out: inout String.UnicodeScalarView) throws(YAMLSubsetError) -> Int {
        let e = line[i + 1]
        let simple: Unicode.Scalar? = switch e {
        case "0": "\0"
        case "a": "\u{07}"
        case "b": "\u{08}"
        case "t", "\t": "\t"
        case "n": "\n"
        case "v": "\u{0B}"
        case "f": "\u{0C}"
        case "r": "\r"
        case "e": "\u{1B}"
        case " ", "\"", "/", "\\": e
        case "N": "\u{85}"
        case "_": "\u{A0}"
        case "L": "\u{2028}"
        case "P": "\u{2029}"
        default: nil
        }
        if let simple {
            out.append(simple)
            return i + 2
        }
        guard let length = ["x": 2, "u": 4, "U": 8][e] else { throw Parser.error(l, i, "invalid escape '\\\(e)'") }
        var value = try hex(line, l, i + 2, length, escape: e)
        var after = i + 2 + length
        // JSON-style surrogate pairs ("\uD83D\uDE00") are combined into one scalar.
        if e == "u", (0xD800...0xDBFF).contains(value), line[after...].starts(with: ["\\", "u"]),
           let low = try? hex(line, l, after + 2, 4, escape: "u"), (0xDC00...0xDFFF).contains(low) {
            value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
            after += 6
        }
        guard let scalar = Unicode.Scalar(value) else { throw Parser.error(l, i, "escape '\\\(e)' is not a Unicode scalar value") }
        out.append(scalar)
        return after
    }

    private static func hex(_ line: [Unicode.Scalar], _ l: Int, _ c: Int, _ length: Int, escape e: Unicode.Scalar) throws(YAMLSubsetError) -> UInt32 {
        guard c + length <= line.count, line[c..<(c + length)].allSatisfy(\.properties.isASCIIHexDigit),
              let value = UInt32(String(String.UnicodeScalarView(line[c..<(c + length)])), radix: 16) else {
            throw Parser.error(l, c - 2, "invalid escape: '\\\(e)' needs \(length) hexadecimal digits")
        }
        return value
    }

    // MARK: Core schema (YAML 1.2, §10.3) for plain scalars

    static func resolve(_ plain: String) -> Node {
        switch plain {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        // JSON has no literal for these; proto3 JSON accepts these strings for float and double.
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .string("Infinity")
        case "-.inf", "-.Inf", "-.INF": return .string("-Infinity")
        case ".nan", ".NaN", ".NAN": return .string("NaN")
        default: return number(plain).map(Node.number) ?? .string(plain)
        }
    }

    /// Core-schema int (decimal, 0x, 0o) or float, rewritten as JSON number text. Text in, text out:
    /// YAML allows "+1", "007", ".5" and "1." which JSON does not, and Double would round big integers.
    static func number(_ text: String) -> String? {
        let u = Array(text.utf8)
        if u.count > 2, u[0] == ascii("0"), u[1] == ascii("x") || u[1] == ascii("o") {
            return decimal(u[2...], radix: u[1] == ascii("x") ? 16 : 8)
        }
        var i = 0
        let negative = u.first == ascii("-")
        if negative || u.first == ascii("+") { i = 1 }
        let whole = digits(u, &i)
        var fraction: ArraySlice<UInt8> = []
        if i < u.count, u[i] == ascii(".") {
            i += 1
            fraction = digits(u, &i)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        var exponent: ArraySlice<UInt8>?
        if i < u.count, (u[i] | 0x20) == ascii("e") {
            let start = i + 1
            i = start
            if i < u.count, u[i] == ascii("+") || u[i] == ascii("-") { i += 1 }
            guard !digits(u, &i).isEmpty else { return nil }
            exponent = u[start..<i]
        }
        guard i == u.count else { return nil }
        let significant = whole.drop { $0 == ascii("0") }
        let isInteger = i == whole.endIndex
        if isInteger && significant.isEmpty { return "0" }  // "-0" and "+000" are the integer 0
        var json = negative ? "-" : ""
        json += significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        if !fraction.isEmpty { json += "." + String(decoding: fraction, as: UTF8.self) }
        if let exponent { json += "e" + String(decoding: exponent, as: UTF8.self) }
        return json
    }

    private static func ascii(_ c: Unicode.Scalar) -> UInt8 { UInt8(c.value) }

    private static func digits(_ u: [UInt8], _ i: inout Int) -> ArraySlice<UInt8> {
        let start = i
        while i < u.count, u[i] >= ascii("0"), u[i] <= ascii("9") { i += 1 }
        return u[start..<i]
    }

    /// Arbitrary-length base conversion on decimal digits, so hex and octal stay exact at any size.
    private static func decimal(_ digits: ArraySlice<UInt8>, radix: Int) -> String? {
        var reversed = [0]  // decimal digits, least significant first
        for digit in digits {
            guard let value = Int(String(UnicodeScalar(digit)), radix: radix) else { return nil }
            var carry = value
            for k in reversed.indices {
                let x = reversed[k] * radix + carry
                reversed[k] = x % 10
                carry = x / 10
            }
            while carry > 0 {
                reversed.append(carry % 10)
                carry /= 10
            }
        }
        return reversed.reversed().map(String.init).joined()
    }
}
