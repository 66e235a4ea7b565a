import Foundation
import Testing
@testable import VoucherdModel

@Suite struct YAMLSubsetTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        /// The exact output: compact JSON, keys in document order.
        let json: String
        var testDescription: String { name }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { name }
    }

    /// Converts, and checks on the way that Foundation accepts the output as JSON.
    static func json(_ yaml: String) throws -> String {
        let data = try YAMLSubset.jsonData(from: yaml)
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Supported features

    static let examples: [Example] = [
        Example(name: "block mapping", yaml: "a: 1\nb: two\n", json: #"{"a":1,"b":"two"}"#),
        Example(name: "nested block mappings", yaml: "a:\n  b:\n    c: d\n  e: f\ng: h\n",
                json: #"{"a":{"b":{"c":"d"},"e":"f"},"g":"h"}"#),
        Example(name: "key order is kept", yaml: "zulu: 1\nalpha: 2\nmike: 3\n", json: #"{"zulu":1,"alpha":2,"mike":3}"#),
        Example(name: "block sequence", yaml: "- a\n- b\n- 3\n", json: #"["a","b",3]"#),
        Example(name: "indented sequence as a value", yaml: "items:\n  - a\n  - b\nnext: 1\n",
                json: #"{"items":["a","b"],"next":1}"#),
        Example(name: "sequence at the key's indentation", yaml: "items:\n- a\n- b\nnext: 1\n",
                json: #"{"items":["a","b"],"next":1}"#),
        Example(name: "compact mappings in a sequence", yaml: "- name: a\n  qty: 2\n- name: b\n  tags:\n  - x\n  more: [y]\n",
                json: #"[{"name":"a","qty":2},{"name":"b","tags":["x"],"more":["y"]}]"#),
        Example(name: "nested sequences", yaml: "- - a\n  - b\n- - c\n-\n  - d\n", json: #"[["a","b"],["c"],["d"]]"#),
        Example(name: "empty values are null",
                yaml: "a:\nb: ~\nc: null\nd:\n  # only a comment\ne: [ ]\nf: {}\ng: \"\"\nlist:\n-\n- x\n-\n",
                json: #"{"a":null,"b":null,"c":null,"d":null,"e":[],"f":{},"g":"","list":[null,"x",null]}"#),
        Example(name: "flow sequence", yaml: "[a, b, 1, true, null, 'q', \"r\"]", json: #"["a","b",1,true,null,"q","r"]"#),
        Example(name: "nested flow mapping", yaml: "{a: 1, b: [2, 3], c: {d: e}}", json: #"{"a":1,"b":[2,3],"c":{"d":"e"}}"#),
        Example(name: "flow collections across lines",
                yaml: "days: [\n    MON, TUE,   # weekdays\n\n    WED,\n  ]\nlimits: {per_user: 1,\n  total: 100}\n",
                json: #"{"days":["MON","TUE","WED"],"limits":{"per_user":1,"total":100}}"#),
        Example(name: "flow scalars", yaml: "[a b, 'x, y', http://e.com/a?b=c, {\"k\":1}, {k}, [], a#b, {a:1}]",
                json: #"["a b","x, y","http://e.com/a?b=c",{"k":1},{"k":null},[],"a#b",{"a:1":null}]"#),
        Example(name: "single-quoted strings", yaml: "a: 'it''s # not a comment'\nb: '\\n stays'\nc: ''\n",
                json: #"{"a":"it's # not a comment","b":"\\n stays","c":""}"#),
        Example(name: "double-quoted escapes", yaml: #"s: "q\" b\\ s\/ n\n t\t r\r b\b f\f z\0 sp\ e\e""#,
                json: #"{"s":"q\" b\\ s/ n\n t\t r\r b\b f\f z\u0000 sp e\u001b"}"#),
        Example(name: "unicode escapes", yaml: #"s: "\u00e9 \U0001F600 \x41 \uD83D\uDE00 \u2028""#,
                json: "{\"s\":\"é 😀 A 😀 \u{2028}\"}"),
        Example(name: "comments", yaml: "# header\na: 1 # trailing\n  # indented comment\nb: 'x # y' # c\nc: d#e\n# end",
                json: #"{"a":1,"b":"x # y","c":"d#e"}"#),
        Example(name: "document markers", yaml: "# before\n---\na: 1\n...\n# after\n", json: #"{"a":1}"#),
        Example(name: "start marker with a comment", yaml: "--- # the only document\n- 1\n", json: "[1]"),
        Example(name: "literal block scalar", yaml: "s: |\n  line 1\n    indented\n\n  line 3\n\nnext: x\n",
                json: #"{"s":"line 1\n  indented\n\nline 3\n","next":"x"}"#),
        Example(name: "literal chomping", yaml: "a: |-\n  x\n\nb: |+\n  y\n\n\nc: |\n  z",
                json: #"{"a":"x","b":"y\n\n\n","c":"z"}"#),
        Example(name: "folded block scalar", yaml: "f: >\n  one\n  two\n\n  three\n    more\n  four\n",
                json: #"{"f":"one two\nthree\n  more\nfour\n"}"#),
        Example(name: "folded chomping", yaml: "a: >-\n  x\n  y\nb: >+\n  z\n\nc: >\n", json: #"{"a":"x y","b":"z\n\n","c":""}"#),
        Example(name: "explicit indentation indicator", yaml: "- |2\n    two spaces kept\n   one\n",
                json: #"["  two spaces kept\n one\n"]"#),
        Example(name: "block scalars in a sequence", yaml: "- |\n  a\n- >-\n  b\n  c\n- x\n", json: #"["a\n","b c","x"]"#),
        Example(name: "block scalar header comment", yaml: "s: | # header comment\n  # not a comment\n  text\n",
                json: ##"{"s":"# not a comment\ntext\n"}"##),
        Example(name: "keys are strings", yaml: "1: a\ntrue: b\nnull: c\n'quoted key': d\n\"x y\": e\n~: f\nk : g\n",
                json: #"{"1":"a","true":"b","null":"c","quoted key":"d","x y":"e","~":"f","k":"g"}"#),
        Example(name: "bare integer document", yaml: "42\n", json: "42"),
        Example(name: "bare string document", yaml: "hello world # greeting", json: #""hello world""#),
        Example(name: "bare quoted document", yaml: "'hi'", json: #""hi""#),
        Example(name: "bare block scalar document", yaml: "|\n text\n", json: #""text\n""#),
        Example(name: "empty document", yaml: "", json: "null"),
        Example(name: "comment-only document", yaml: "# nothing\n\n", json: "null"),
        Example(name: "marker-only document", yaml: "---\n", json: "null"),
        Example(name: "CRLF and byte order mark", yaml: "\u{FEFF}a: 1\r\nb:\r\n  - x\r\nc: |\r\n  y\r\n",
                json: #"{"a":1,"b":["x"],"c":"y\n"}"#),
        Example(name: "tabs as separators", yaml: "a:\tb\nc: [1,\t2]\n\t# tab before a comment\nd: \"\tx\"\n",
                json: #"{"a":"b","c":[1,2],"d":"\tx"}"#),
        Example(name: "colons inside plain scalars", yaml: "url: http://x:80/a\ntime: 09:30\nratio: a:b\n",
                json: #"{"url":"http://x:80/a","time":"09:30","ratio":"a:b"}"#),
        Example(name: "unicode text", yaml: "café: ☕️ latte\n", json: #"{"café":"☕️ latte"}"#),
        Example(name: "JSON string escaping", yaml: #"s: "tab\there \u0001 \u007f quote\" back\\""#,
                json: #"{"s":"tab\there \u0001 \u007f quote\" back\\"}"#),
        Example(name: "sequence value inside a compact mapping", yaml: "- a:\n  - 1\n  b: 2\n- c:\n- d\n",
                json: #"[{"a":[1],"b":2},{"c":null},"d"]"#),
    ]

    @Test(arguments: examples)
    func converts(_ example: Example) throws {
        #expect(try Self.json(example.yaml) == example.json)
    }

    /// JSON is YAML flow syntax, so converting the output again must give the same bytes.
    @Test(arguments: examples)
    func outputIsAFixedPoint(_ example: Example) throws {
        let once = try Self.json(example.yaml)
        #expect(try Self.json(once) == once)
    }

    // MARK: Core schema

    static let scalars: [(String, String)] = [
        ("~", "null"), ("null", "null"), ("Null", "null"), ("NULL", "null"),
        ("true", "true"), ("True", "true"), ("TRUE", "true"), ("false", "false"), ("False", "false"), ("FALSE", "false"),
        ("0", "0"), ("-17", "-17"), ("+5", "5"), ("007", "7"), ("-0", "0"), ("0x1F", "31"), ("0xff", "255"), ("0o17", "15"),
        ("9007199254740993", "9007199254740993"), ("-9223372036854775808", "-9223372036854775808"),
        ("18446744073709551615", "18446744073709551615"), ("0xFFFFFFFFFFFFFFFF", "18446744073709551615"),
        ("0x10000000000000000", "18446744073709551616"), ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("1.5", "1.5"), ("-0.25", "-0.25"), (".5", "0.5"), ("-.5", "-0.5"), ("1.", "1"), ("+1.50", "1.50"), ("00.5", "0.5"),
        ("1e3", "1e3"), ("6.02E+23", "6.02e+23"), ("1.5e-3", "1.5e-3"), ("-0.0", "-0.0"),
        (".inf", #""Infinity""#), ("+.INF", #""Infinity""#), ("-.Inf", #""-Infinity""#), (".nan", #""NaN""#), (".NaN", #""NaN""#),
        ("yes", #""yes""#), ("no", #""no""#), ("on", #""on""#), ("1_000", #""1_000""#), ("0x", #""0x""#), ("0xG", #""0xG""#),
        ("-0x1", #""-0x1""#), ("0o8", #""0o8""#), ("0b101", #""0b101""#), ("1.2.3", #""1.2.3""#), ("1e", #""1e""#),
        (".", #"".""#), ("nan", #""nan""#), ("inf", #""inf""#), ("tRUE", #""tRUE""#), ("12:30", #""12:30""#),
        ("1 000", #""1 000""#),
        ("'true'", #""true""#), (#""1""#, #""1""#), ("'~'", #""~""#), ("''", #""""#), (#""null""#, #""null""#),
    ]

    @Test(arguments: scalars)
    func resolvesScalarsWithTheCoreSchema(_ yaml: String, _ json: String) throws {
        #expect(try Self.json("v: \(yaml)") == #"{"v":\#(json)}"#)
        #expect(try Self.json("[\(yaml)]") == "[\(json)]")
        #expect(try Self.json(yaml) == json)
    }

    @Test func keepsIntegersExact() throws {
        let data = try YAMLSubset.jsonData(from: "id: 9007199254740993\nmax: 18446744073709551615\nmin: -9223372036854775808")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["id"] as? NSNumber)?.int64Value == 9_007_199_254_740_993)
        #expect((object["max"] as? NSNumber)?.uint64Value == UInt64.max)
        #expect((object["min"] as? NSNumber)?.int64Value == Int64.min)
    }

    // MARK: A realistic campaign

    static let campaign = """
        # Spring promotion, reviewed by marketing on 2025-03-01.
        ---
        name: Spring Coffee Week
        description: >-
          Ten percent off all hot drinks,
          weekdays only.
        state: CAMPAIGN_STATE_DRAFT
        code_prefix: "SPRING-"
        inventory: 10000
        starts_at: "2025-04-01T00:00:00Z"
        ends_at: "2025-04-30T23:59:59Z"
        benefit:
          percent_off:
            basis_points: 1000
            max_discount:
              currency: EUR
              minor_units: 500
        rules:
          min_basket: {currency: EUR, minor_units: 300}
          per_customer_limit: 2
          channels: [CHANNEL_APP, CHANNEL_POS]
          windows:
            - weekday: MONDAY
              start: "07:00"
              end: "11:00"
            - weekday: TUESDAY   # same hours as Monday
              start: "07:00"
              end: "11:00"
            - {weekday: FRIDAY, start: "15:00", end: "18:00"}
          excluded_skus:
          - SKU-0001
          - 'SKU-0002'
        metadata:
          owner: growth-team
          budget_minor_units: 9007199254740993
          notes: |
            Approved by finance.
            Review weekly.
        ...
        """

    @Test func convertsACampaign() throws {
        let expected = #"{"name":"Spring Coffee Week","description":"Ten percent off all hot drinks, weekdays only.","#
            + #""state":"CAMPAIGN_STATE_DRAFT","code_prefix":"SPRING-","inventory":10000,"#
            + #""starts_at":"2025-04-01T00:00:00Z","ends_at":"2025-04-30T23:59:59Z","#
            + #""benefit":{"percent_off":{"basis_points":1000,"max_discount":{"currency":"EUR","minor_units":500}}},"#
            + #""rules":{"min_basket":{"currency":"EUR","minor_units":300},"per_customer_limit":2,"#
            + #""channels":["CHANNEL_APP","CHANNEL_POS"],"windows":["#
            + #"{"weekday":"MONDAY","start":"07:00","end":"11:00"},"#
            + #"{"weekday":"TUESDAY","start":"07:00","end":"11:00"},"#
            + #"{"weekday":"FRIDAY","start":"15:00","end":"18:00"}],"#
            + #""excluded_skus":["SKU-0001","SKU-0002"]},"#
            + #""metadata":{"owner":"growth-team","budget_minor_units":9007199254740993,"#
            + #""notes":"Approved by finance.\nReview weekly.\n"}}"#
        #expect(try Self.json(Self.campaign) == expected)

        let data = try YAMLSubset.jsonData(from: Self.campaign)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let benefit = try #require(root["benefit"] as? [String: Any])
        let percentOff = try #require(benefit["percent_off"] as? [String: Any])
        let maxDiscount = try #require(percentOff["max_discount"] as? [String: Any])
        #expect(maxDiscount["currency"] as? String == "EUR")
        #expect((maxDiscount["minor_units"] as? NSNumber)?.intValue == 500)
        let rules = try #require(root["rules"] as? [String: Any])
        let windows = try #require(rules["windows"] as? [[String: Any]])
        #expect(windows.map { $0["weekday"] as? String } == ["MONDAY", "TUESDAY", "FRIDAY"])
        #expect(windows.allSatisfy { $0["start"] is String && $0["end"] is String })
    }

    // MARK: Round trip through Foundation

    @Test(arguments: [campaign, "a: [1, {b: ~}]\nc: |\n  x\n", "- 1.5\n- -2\n- 'q'\n- .inf\n", "\"just a string\""])
    func roundTripsThroughJSONSerialization(_ yaml: String) throws {
        let data = try YAMLSubset.jsonData(from: yaml)
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let again = try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed, .sortedKeys])
        let reparsed = try JSONSerialization.jsonObject(with: again, options: [.fragmentsAllowed])
        let twice = try JSONSerialization.data(withJSONObject: reparsed, options: [.fragmentsAllowed, .sortedKeys])
        #expect(again == twice)
    }

    // MARK: Refusals

    static let refusals: [Refusal] = [
        Refusal(name: "tab indentation", yaml: "a:\n\tb: 1", line: 2, column: 1, message: "tabs are not allowed for indentation"),
        Refusal(name: "tab after a dash", yaml: "- \tx", line: 1, column: 3, message: "tabs are not allowed for indentation"),
        Refusal(name: "tab in a flow continuation", yaml: "a: [1,\n \t2]", line: 2, column: 2, message: "tabs are not allowed"),
        Refusal(name: "anchor", yaml: "a: &x 1", line: 1, column: 4, message: "anchors (&) are not supported"),
        Refusal(name: "alias", yaml: "a: 1\nb: *x", line: 2, column: 4, message: "aliases (*) are not supported"),
        Refusal(name: "tag", yaml: "a: !!str 1", line: 1, column: 4, message: "tags (!) are not supported"),
        Refusal(name: "tag in a flow sequence", yaml: "[!x a]", line: 1, column: 2, message: "tags (!) are not supported"),
        Refusal(name: "second document", yaml: "a: 1\n---\nb: 2", line: 2, column: 1, message: "multiple documents are not supported"),
        Refusal(name: "document after '...'", yaml: "a: 1\n...\n---\nb: 2", line: 3, column: 1, message: "multiple documents"),
        Refusal(name: "content after '...'", yaml: "a: 1\n...\nb: 2", line: 3, column: 1, message: "after the end of the document"),
        Refusal(name: "content on the '---' line", yaml: "--- a: 1", line: 1, column: 5, message: "content on the '---' line"),
        Refusal(name: "directive", yaml: "%YAML 1.2\n---\na: 1", line: 1, column: 1, message: "directives (%) are not supported"),
        Refusal(name: "complex key", yaml: "? a\n: b", line: 1, column: 1, message: "complex mapping keys ('? ') are not supported"),
        Refusal(name: "complex key in flow", yaml: "{? a: b}", line: 1, column: 2, message: "complex mapping keys"),
        Refusal(name: "duplicate key", yaml: "a: 1\nb: 2\na: 3", line: 3, column: 1, message: "duplicate key 'a'"),
        Refusal(name: "duplicate key in a compact mapping", yaml: "- x: 1\n  x: 2", line: 2, column: 3, message: "duplicate key 'x'"),
        Refusal(name: "duplicate key in flow", yaml: "{a: 1, a: 2}", line: 1, column: 8, message: "duplicate key 'a'"),
        Refusal(name: "duplicate key after quoting", yaml: "1: a\n'1': b", line: 2, column: 1, message: "duplicate key '1'"),
        Refusal(name: "over-indented entry", yaml: "a: 1\n  b: 2", line: 2, column: 3, message: "bad indentation: expected column 1"),
        Refusal(name: "over-indented sequence entry", yaml: "a:\n  - 1\n   - 2", line: 3, column: 4, message: "bad indentation: expected column 3"),
        Refusal(name: "multi-line plain scalar", yaml: "a: one\n  two", line: 2, column: 3, message: "for multi-line text use | or >"),
        Refusal(name: "inconsistent dedent", yaml: "a:\n    b: 1\n  c: 2", line: 3, column: 3, message: "inconsistent dedent"),
        Refusal(name: "dedent below the root", yaml: "  a: 1\nb: 2", line: 2, column: 1, message: "inconsistent dedent"),
        Refusal(name: "unterminated double quote", yaml: "a: \"abc", line: 1, column: 4, message: "unterminated double-quoted string"),
        Refusal(name: "multi-line single quote", yaml: "a: 'abc\n  def'", line: 1, column: 4, message: "unterminated single-quoted string"),
        Refusal(name: "unterminated flow sequence", yaml: "a: [1, 2\n", line: 1, column: 4, message: "unterminated flow sequence"),
        Refusal(name: "unterminated flow mapping", yaml: "{a: 1,\n b: 2", line: 1, column: 1, message: "unterminated flow mapping"),
        Refusal(name: "flow continuation not indented", yaml: "a: [1,\n2]", line: 2, column: 1, message: "indented past column 1"),
        Refusal(name: "sequence on the key's line", yaml: "key: - a", line: 1, column: 6, message: "a block sequence cannot start on the same line as its key"),
        Refusal(name: "mapping on the key's line", yaml: "a: b: c", line: 1, column: 5, message: "a mapping cannot start on the same line as its key"),
        Refusal(name: "mapping on a compact key's line", yaml: "- a: b: c", line: 1, column: 7, message: "a mapping cannot start on the same line"),
        Refusal(name: "sequence entry inside a compact mapping", yaml: "- a: 1\n  - b", line: 2, column: 3, message: "expected a mapping key, found a sequence entry"),
        Refusal(name: "mapping entry inside a sequence", yaml: "- a\nb: 1", line: 2, column: 1, message: "expected a sequence entry ('- ')"),
        Refusal(name: "scalar among keys", yaml: "a: 1\nb", line: 2, column: 1, message: "expected a mapping key"),
        Refusal(name: "trailing content after a flow collection", yaml: "a: [1, 2] x", line: 1, column: 11, message: "unexpected content after the flow collection"),
        Refusal(name: "flow sequence as key", yaml: "[a, b]: c", line: 1, column: 7, message: "mapping keys must be scalars"),
        Refusal(name: "flow mapping as key in flow", yaml: "{[a]: b}", line: 1, column: 2, message: "mapping keys must be scalars"),
        Refusal(name: "content after a quoted string", yaml: "a: \"x\" y", line: 1, column: 8, message: "unexpected content after the quoted string"),
        Refusal(name: "invalid escape", yaml: #"a: "\q""#, line: 1, column: 5, message: #"invalid escape '\q'"#),
        Refusal(name: "short unicode escape", yaml: #"a: "\u12""#, line: 1, column: 5, message: "needs 4 hexadecimal digits"),
        Refusal(name: "lone surrogate", yaml: #"a: "\uD800""#, line: 1, column: 5, message: "is not a Unicode scalar value"),
        Refusal(name: "missing comma", yaml: "[a\n  b]", line: 2, column: 3, message: "expected ',' or ']' in flow sequence"),
        Refusal(name: "missing comma in a flow mapping", yaml: "{a: 1 b: 2}", line: 1, column: 8, message: "expected ',' or '}' in flow mapping"),
        Refusal(name: "empty flow entry", yaml: "[a,,b]", line: 1, column: 4, message: "unexpected ','"),
        Refusal(name: "pair inside a flow sequence", yaml: "[a: 1]", line: 1, column: 3, message: "key: value pairs inside flow sequences"),
        Refusal(name: "block scalar inside flow", yaml: "[|]", line: 1, column: 2, message: "block scalars (| and >) are not allowed"),
        Refusal(name: "block entry inside flow", yaml: "[- a]", line: 1, column: 2, message: "block sequence entries ('- ') are not allowed"),
        Refusal(name: "'?' starting a flow scalar", yaml: "[?x]", line: 1, column: 2, message: "'?' cannot start a plain scalar inside a flow collection"),
        Refusal(name: "block scalar indicator starting a key", yaml: "a: 1\n|b: 2", line: 2, column: 1, message: "expected a mapping key"),
        Refusal(name: "root block scalar text at column 1", yaml: "|\ntext", line: 2, column: 1, message: "unexpected content after the document's root node"),
        Refusal(name: "reserved indicator", yaml: "a: @x", line: 1, column: 4, message: "'@' cannot start a plain scalar"),
        Refusal(name: "missing key", yaml: ": a", line: 1, column: 1, message: "missing mapping key"),
        Refusal(name: "second root node", yaml: "foo\nbar", line: 2, column: 1, message: "unexpected content after the document's root node"),
        Refusal(name: "control character", yaml: "a: b\u{01}", line: 1, column: 5, message: "control characters are not allowed"),
        Refusal(name: "bad block scalar header", yaml: "a: |x", line: 1, column: 5, message: "invalid block scalar header"),
        Refusal(name: "deep blank line before block scalar text", yaml: "a: |\n      \n  x", line: 3, column: 1, message: "indented more than it"),
        Refusal(name: "flow nesting too deep", yaml: String(repeating: "[", count: 65), line: 1, column: 65, message: "nesting is deeper than 64 levels"),
        Refusal(name: "block nesting too deep", yaml: (0..<65).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
                line: 65, column: 65, message: "nesting is deeper than 64 levels"),
    ]

    @Test(arguments: refusals)
    func refuses(_ refusal: Refusal) {
        do {
            let json = try YAMLSubset.jsonData(from: refusal.yaml)
            Issue.record("accepted, gave \(String(decoding: json, as: UTF8.self))")
        } catch {
            #expect(error.line == refusal.line)
            #expect(error.column == refusal.column)
            #expect(error.message.contains(refusal.message), "\(error)")
        }
    }

    @Test func describesErrorsWithLineAndColumn() {
        let yaml = """
            campaign:
              name: x
              benefit:
                kind: percent
              rules:
                - a
              \tlimit: 1
            """
        #expect(throws: YAMLSubsetError(line: 7, column: 3, message: "tabs are not allowed for indentation")) {
            try YAMLSubset.jsonData(from: yaml)
        }
        #expect(YAMLSubsetError(line: 7, column: 3, message: "tabs are not allowed for indentation").description
            == "line 7, column 3: tabs are not allowed for indentation")
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = YAMLSubset.maxDepth
        #expect(try Self.json(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            == String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        let block = (0..<depth).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")
        #expect(try Self.json(block) == String(repeating: #"{"k":"#, count: depth - 1) + #"{"k":null"# + String(repeating: "}", count: depth))
    }
}
