extension YAMLSubset {
    /// A recursive-descent parser over lines of Unicode scalars. Block structure follows the
    /// indentation of lines; a node that starts after "- " or "key: " on the same line is parsed
    /// where it starts, its column serving as its indentation (compact notation). Positions are
    /// 0-based internally and reported 1-based.
    struct Parser {
        typealias Line = [Unicode.Scalar]
        struct Cursor { var l: Int, c: Int }

        private var lines: [Line] = [[]]
        /// The first line after the document's content (a "..." line or the end of the text).
        private var end = 0
        /// The line after the node parsed last; collections continue from there.
        private var next = 0
        private var depth = 0

        init(_ text: String) throws(YAMLSubsetError) {
            let body = text.unicodeScalars.first == "\u{FEFF}" ? text.unicodeScalars.dropFirst() : text.unicodeScalars[...]
            var afterCR = false
            for s in body {
                defer { afterCR = s == "\r" }
                if s == "\n" && afterCR { continue }
                if s == "\n" || s == "\r" {
                    lines.append([])
                } else if s.value < 0x20 && s != "\t" || s.value == 0x7F {
                    throw Self.error(lines.count - 1, lines[lines.count - 1].count, "control characters are not allowed")
                } else {
                    lines[lines.count - 1].append(s)
                }
            }
        }

        mutating func parseDocument() throws(YAMLSubsetError) -> Node {
            var start = 0
            while start < lines.count, restIsComment(start, 0) { start += 1 }
            if start < lines.count, lines[start].first == "%" {
                throw Self.error(start, 0, "directives (%) are not supported")
            }
            if start < lines.count, isMarker(start, "-") {
                guard restIsComment(start, 3) else {
                    throw Self.error(start, skipBlank(start, 3), "content on the '---' line is not supported; start it on the next line")
                }
                start += 1
            }
            // "---" and "..." at column 1 end the content wherever they appear (YAML's forbidden
            // lines), so a scan for them is exact even inside block scalars and flow collections.
            end = start
            while end < lines.count, !isMarker(end, "-"), !isMarker(end, ".") { end += 1 }
            for l in end..<lines.count {
                if isMarker(l, "-") { throw Self.error(l, 0, "multiple documents are not supported") }
                let from = l == end ? 3 : 0
                guard restIsComment(l, from) else {
                    throw Self.error(l, skipBlank(l, from), "unexpected content after the end of the document ('...')")
                }
            }
            guard let first = try nextContentLine(from: start) else { return .null }
            let n = indentOf(first)
            let root = try parseNode(first, n, parent: -1, afterKey: false)
            if let l = try nextContentLine(from: next) {
                let i = indentOf(l)
                throw i == n ? Self.error(l, i, "unexpected content after the document's root node") : badIndent(l, i, expected: n)
            }
            return root
        }

        // MARK: Block structure

        /// Parses the node that starts at (l, c); `parent` is the indentation of the enclosing
        /// block collection (-1 at the root). After "key: " on the same line only a scalar or a flow
        /// collection may follow. Leaves `next` at the line after the node.
        private mutating func parseNode(_ l: Int, _ c: Int, parent: Int, afterKey: Bool) throws(YAMLSubsetError) -> Node {
            try checkNodeStart(l, c, flow: false)
            let s = lines[l][c]
            if s == "-" && isSep(l, c + 1) {
                if afterKey { throw Self.error(l, c, "a block sequence cannot start on the same line as its key") }
                return try parseSequence(l, c, valueOfKeyAtSameIndent: false)
            }
            if s == "|" || s == ">" { return try parseBlockScalar(l, c, parent: parent) }
            if s == "[" || s == "{" {
                var cursor = Cursor(l: l, c: c)
                let node = try parseFlow(&cursor, parent: parent)
                let after = skipBlank(cursor.l, cursor.c)
                if char(cursor.l, after) == ":" { throw Self.error(cursor.l, after, "mapping keys must be scalars, not flow collections") }
                try expectLineEnd(cursor.l, cursor.c, after: "the flow collection")
                next = cursor.l + 1
                return node
            }
            if let key = try scanKey(l, c) {
                if afterKey { throw Self.error(l, key.colon, "a mapping cannot start on the same line as its key") }
                return try parseMapping(l, c, firstKey: key)
            }
            let (node, e) = try scalar(l, c, flow: false)
            try expectLineEnd(l, e, after: "the quoted string")
            next = l + 1
            return node
        }

        private mutating func parseMapping(_ firstLine: Int, _ n: Int, firstKey: (key: String, colon: Int)) throws(YAMLSubsetError) -> Node {
            try enter(firstLine, n)
            defer { depth -= 1 }
            var entries: [(key: String, value: Node)] = []
            var seen: Set<String> = []
            var (l, key) = (firstLine, firstKey)
            while true {
                guard seen.insert(key.key).inserted else { throw Self.error(l, n, "duplicate key '\(key.key)'") }
                let c = skipBlank(l, key.colon + 1)
                let value: Node
                if !restIsComment(l, c) {
                    value = try parseNode(l, c, parent: n, afterKey: true)
                } else if let vl = try nextContentLine(from: l + 1), indentOf(vl) > n {
                    value = try parseNode(vl, indentOf(vl), parent: n, afterKey: false)
                } else if let vl = try nextContentLine(from: l + 1), indentOf(vl) == n, isDashEntry(vl, n) {
                    value = try parseSequence(vl, n, valueOfKeyAtSameIndent: true)  // "key:\n- a"
                } else {
                    value = .null
                    next = l + 1
                }
                entries.append((key.key, value))
                guard let nl = try nextContentLine(from: next), indentOf(nl) >= n else { break }
                if indentOf(nl) > n { throw badIndent(nl, indentOf(nl), expected: n) }
                if isDashEntry(nl, n) { throw Self.error(nl, n, "expected a mapping key, found a sequence entry") }
                try checkNodeStart(nl, n, flow: false)
                guard let k = try scanKey(nl, n) else { throw Self.error(nl, n, "expected a mapping key ('key: value')") }
                (l, key) = (nl, k)
            }
            return .mapping(entries)
        }

        private mutating func parseSequence(_ firstLine: Int, _ n: Int, valueOfKeyAtSameIndent: Bool) throws(YAMLSubsetError) -> Node {
            try enter(firstLine, n)
            defer { depth -= 1 }
            var items: [Node] = []
            var l = firstLine
            while true {
                var c = n + 1
                while char(l, c) == " " { c += 1 }
                if !restIsComment(l, c) {
                    if char(l, c) == "\t" { throw Self.error(l, c, "tabs are not allowed for indentation") }
                    items.append(try parseNode(l, c, parent: n, afterKey: false))
                } else if let vl = try nextContentLine(from: l + 1), indentOf(vl) > n {
                    items.append(try parseNode(vl, indentOf(vl), parent: n, afterKey: false))
                } else {
                    items.append(.null)
                    next = l + 1
                }
                guard let nl = try nextContentLine(from: next), indentOf(nl) >= n else { break }
                if indentOf(nl) > n { throw badIndent(nl, indentOf(nl), expected: n) }
                if !isDashEntry(nl, n) {
                    if valueOfKeyAtSameIndent { break }  // the next key of the enclosing mapping
                    throw Self.error(nl, n, "expected a sequence entry ('- ')")
                }
                l = nl
            }
            return .sequence(items)
        }

        /// Literal (|) and folded (>) scalars with -/+ chomping and an optional indentation digit.
        /// The line handling follows libyaml's scanner, which implements YAML 1.2 §8.1 folding.
        private mutating func parseBlockScalar(_ l: Int, _ c: Int, parent: Int) throws(YAMLSubsetError) -> Node {
            let folded = lines[l][c] == ">"
            var chomp: Unicode.Scalar = " "
            var explicit: Int?
            var i = c + 1
            while let s = char(l, i), !Self.isSpace(s) {
                if chomp == " ", s == "-" || s == "+" {
                    chomp = s
                } else if explicit == nil, let digit = Int(String(s)), digit > 0 {
                    explicit = digit
                } else {
                    throw Self.error(l, i, "invalid block scalar header: expected | or > followed by - or + and an indentation digit")
                }
                i += 1
            }
            try expectLineEnd(l, i, after: "the block scalar header")
            // Text must be indented past the parent; at the root libyaml and PyYAML demand one space.
            let minimum = max(parent, 0) + 1
            var width = explicit.map { minimum - 1 + $0 } ?? 0
            if explicit == nil {
                var t = l + 1, deepestBlank = 0
                while t < end, isBlank(t) {
                    deepestBlank = max(deepestBlank, indentOf(t))
                    t += 1
                }
                if t < end, indentOf(t) >= minimum {
                    width = indentOf(t)
                    if deepestBlank > width { throw Self.error(t, 0, "a blank line before the block scalar's first line is indented more than it") }
                } else {
                    width = max(deepestBlank, minimum)  // no content: every following line is blank or a sibling
                }
            }
            var text = "", leadingBreak = "", trailingBreaks = "", leadingBlank = false
            var t = l + 1
            while t < end {
                let lastLine = t == lines.count - 1  // the text's last line has no line break to keep
                if indentOf(t) >= width, lines[t].count > width {
                    let body = lines[t][width...]
                    let trailingBlank = Self.isSpace(body.first)
                    // A single break between two lines that are not more indented folds to a space.
                    if folded, !leadingBreak.isEmpty, !leadingBlank, !trailingBlank {
                        if trailingBreaks.isEmpty { text += " " }
                        leadingBreak = ""
                    }
                    text += leadingBreak + trailingBreaks
                    text.unicodeScalars.append(contentsOf: body)
                    (leadingBreak, trailingBreaks, leadingBlank) = (lastLine ? "" : "\n", "", trailingBlank)
                } else if isBlank(t) {
                    trailingBreaks += lastLine ? "" : "\n"
                } else {
                    break
                }
                t += 1
            }
            next = t
            switch chomp {
            case "-": break
            case "+": text += leadingBreak + trailingBreaks
            default: text += leadingBreak
            }
            return .string(text)
        }

        // MARK: Flow collections

        /// Parses `[...]` or `{...}` at the cursor, possibly across lines, and leaves the cursor
        /// after the closing bracket.
        private mutating func parseFlow(_ cursor: inout Cursor, parent: Int) throws(YAMLSubsetError) -> Node {
            let open = cursor
            try enter(open.l, open.c)
            defer { depth -= 1 }
            let isSequence = lines[open.l][open.c] == "["
            let close: Unicode.Scalar = isSequence ? "]" : "}"
            var items: [Node] = []
            var entries: [(key: String, value: Node)] = []
            var seen: Set<String> = []
            cursor.c += 1
            while true {
                try skipFlowSpace(&cursor, parent: parent, open: open)
                if char(cursor.l, cursor.c) == close { break }
                if isSequence {
                    items.append(try flowNode(&cursor, parent: parent))
                    try skipFlowSpace(&cursor, parent: parent, open: open)
                    if char(cursor.l, cursor.c) == ":" {
                        throw Self.error(cursor.l, cursor.c, "key: value pairs inside flow sequences are not supported; write {key: value}")
                    }
                } else {
                    let at = cursor
                    try checkNodeStart(at.l, at.c, flow: true)
                    let s = lines[at.l][at.c]
                    if s == "[" || s == "{" { throw Self.error(at.l, at.c, "mapping keys must be scalars, not flow collections") }
                    let (key, e) = try s == "\"" || s == "'" ? quoted(at.l, at.c) : plain(at.l, at.c, flow: true)
                    guard seen.insert(key).inserted else { throw Self.error(at.l, at.c, "duplicate key '\(key)'") }
                    cursor.c = e
                    try skipFlowSpace(&cursor, parent: parent, open: open)
                    var value = Node.null
                    if char(cursor.l, cursor.c) == ":" {
                        cursor.c += 1
                        try skipFlowSpace(&cursor, parent: parent, open: open)
                        if let s = char(cursor.l, cursor.c), s != ",", s != close {
                            value = try flowNode(&cursor, parent: parent)
                            try skipFlowSpace(&cursor, parent: parent, open: open)
                        }
                    }
                    entries.append((key, value))
                }
                if char(cursor.l, cursor.c) == "," {
                    cursor.c += 1
                } else if char(cursor.l, cursor.c) != close {
                    throw Self.error(cursor.l, cursor.c, "expected ',' or '\(close)' in flow \(isSequence ? "sequence" : "mapping")")
                }
            }
            cursor.c += 1
            return isSequence ? .sequence(items) : .mapping(entries)
        }

        private mutating func flowNode(_ cursor: inout Cursor, parent: Int) throws(YAMLSubsetError) -> Node {
            let s = lines[cursor.l][cursor.c]
            if s == "[" || s == "{" { return try parseFlow(&cursor, parent: parent) }
            try checkNodeStart(cursor.l, cursor.c, flow: true)
            let (node, e) = try scalar(cursor.l, cursor.c, flow: true)
            cursor.c = e
            return node
        }

        /// Skips blanks, comments and line breaks inside a flow collection. Continuation lines
        /// must be indented past the enclosing block collection, as YAML requires.
        private func skipFlowSpace(_ cursor: inout Cursor, parent: Int, open: Cursor) throws(YAMLSubsetError) {
            cursor.c = skipBlank(cursor.l, cursor.c)
            while restIsComment(cursor.l, cursor.c) {
                cursor.l += 1
                guard cursor.l < end else {
                    throw Self.error(open.l, open.c, "unterminated flow \(lines[open.l][open.c] == "[" ? "sequence" : "mapping"): no closing bracket")
                }
                cursor.c = skipBlank(cursor.l, 0)
                if restIsComment(cursor.l, cursor.c) { continue }
                let i = indentOf(cursor.l)
                if i != cursor.c { throw Self.error(cursor.l, i, "tabs are not allowed for indentation") }
                if i <= parent { throw Self.error(cursor.l, i, "a flow collection's continuation lines must be indented past column \(parent + 1)") }
            }
        }

        // MARK: Scalars and keys

        private func scalar(_ l: Int, _ c: Int, flow: Bool) throws(YAMLSubsetError) -> (Node, Int) {
            if lines[l][c] == "\"" || lines[l][c] == "'" {
                let (text, e) = try quoted(l, c)
                return (.string(text), e)
            }
            let (text, e) = plain(l, c, flow: flow)
            return (YAMLSubset.resolve(text), e)
        }

        /// A plain scalar ends at ": ", at " #", at the line end and, in flow context, at , [ ] { }.
        /// Returns its text without trailing blanks and the column where scanning stopped.
        private func plain(_ l: Int, _ c: Int, flow: Bool) -> (String, Int) {
            let line = lines[l]
            var i = c, last = c
            while i < line.count {
                let s = line[i]
                if s == ":" && (isSep(l, i + 1) || flow && Self.isFlowIndicator(char(l, i + 1))) { break }
                if s == "#" && i > c && Self.isSpace(line[i - 1]) { break }
                if flow && Self.isFlowIndicator(s) { break }
                i += 1
                if !Self.isSpace(s) { last = i }
            }
            return (String(String.UnicodeScalarView(line[c..<last])), i)
        }

        /// If a block mapping entry starts at (l, c), returns its key and the column of its ':'.
        private func scanKey(_ l: Int, _ c: Int) throws(YAMLSubsetError) -> (key: String, colon: Int)? {
            let s = lines[l][c]
            if s == "[" || s == "{" || s == "|" || s == ">" { return nil }
            let (key, e) = try s == "\"" || s == "'" ? quoted(l, c) : plain(l, c, flow: false)
            let colon = skipBlank(l, e)
            return char(l, colon) == ":" && isSep(l, colon + 1) ? (key, colon) : nil
        }

        private func quoted(_ l: Int, _ c: Int) throws(YAMLSubsetError) -> (String, Int) {
            try YAMLSubset.quoted(lines[l], line: l, at: c)
        }

        /// Refuses what this subset does not support where a node would start.
        private func checkNodeStart(_ l: Int, _ c: Int, flow: Bool) throws(YAMLSubsetError) {
            let s = lines[l][c], sep = isSep(l, c + 1)
            let problem: String? = switch s {
            case "&": "anchors (&) are not supported"
            case "*": "aliases (*) are not supported"
            case "!": "tags (!) are not supported"
            case "?" where sep: "complex mapping keys ('? ') are not supported"
            case ":" where sep: "missing mapping key before ':'"
            case "-" where sep && flow: "block sequence entries ('- ') are not allowed inside flow collections"
            case "|" where flow, ">" where flow: "block scalars (| and >) are not allowed inside flow collections"
            // YAML 1.2 allows "?x" and ":x" here, YAML 1.1 parsers read an indicator: refuse the ambiguity.
            case "?" where flow, ":" where flow: "'\(s)' cannot start a plain scalar inside a flow collection; quote the value"
            case ",", "]", "}": "unexpected '\(s)'"
            case "#", "%", "@", "`": "'\(s)' cannot start a plain scalar; quote the value"
            default: nil
            }
            if let problem { throw Self.error(l, c, problem) }
        }

        // MARK: Lines

        /// The next line at or after `start` with content, skipping blank and comment-only lines.
        private func nextContentLine(from start: Int) throws(YAMLSubsetError) -> Int? {
            for l in start..<max(start, end) where !restIsComment(l, 0) {
                if skipBlank(l, 0) != indentOf(l) { throw Self.error(l, indentOf(l), "tabs are not allowed for indentation") }
                return l
            }
            return nil
        }

        private func badIndent(_ l: Int, _ i: Int, expected n: Int) -> YAMLSubsetError {
            var p = l - 1
            while p >= 0, restIsComment(p, 0) { p -= 1 }
            if p >= 0, indentOf(p) > i {
                return Self.error(l, i, "inconsistent dedent: column \(i + 1) matches no enclosing block")
            }
            return Self.error(l, i, "bad indentation: expected column \(n + 1) (for multi-line text use | or >)")
        }

        private mutating func enter(_ l: Int, _ c: Int) throws(YAMLSubsetError) {
            depth += 1
            if depth > YAMLSubset.maxDepth { throw Self.error(l, c, "nesting is deeper than \(YAMLSubset.maxDepth) levels") }
        }

        private func expectLineEnd(_ l: Int, _ c: Int, after what: String) throws(YAMLSubsetError) {
            if !restIsComment(l, c) { throw Self.error(l, skipBlank(l, c), "unexpected content after \(what)") }
        }

        /// True if only blanks and perhaps a comment follow column c. A '#' starts a comment only at
        /// the start of a line or after a blank ("a#b" is a plain scalar).
        private func restIsComment(_ l: Int, _ c: Int) -> Bool {
            let i = skipBlank(l, c)
            return i == lines[l].count || lines[l][i] == "#" && (i == 0 || Self.isSpace(lines[l][i - 1]))
        }

        private func isMarker(_ l: Int, _ m: Unicode.Scalar) -> Bool {
            lines[l].count >= 3 && lines[l][0] == m && lines[l][1] == m && lines[l][2] == m && isSep(l, 3)
        }

        private func isDashEntry(_ l: Int, _ c: Int) -> Bool { char(l, c) == "-" && isSep(l, c + 1) }
        private func isBlank(_ l: Int) -> Bool { lines[l].allSatisfy(Self.isSpace) }
        private func indentOf(_ l: Int) -> Int { lines[l].prefix { $0 == " " }.count }
        private func char(_ l: Int, _ c: Int) -> Unicode.Scalar? { c < lines[l].count ? lines[l][c] : nil }
        private func isSep(_ l: Int, _ c: Int) -> Bool { Self.isSpace(char(l, c)) || char(l, c) == nil }

        private func skipBlank(_ l: Int, _ c: Int) -> Int {
            var i = c
            while Self.isSpace(char(l, i)) { i += 1 }
            return i
        }

        private static func isSpace(_ s: Unicode.Scalar?) -> Bool { s == " " || s == "\t" }
        private static func isFlowIndicator(_ s: Unicode.Scalar?) -> Bool {
            s == "," || s == "[" || s == "]" || s == "{" || s == "}"
        }

        static func error(_ l: Int, _ c: Int, _ message: String) -> YAMLSubsetError {
            YAMLSubsetError(line: l + 1, column: c + 1, message: message)
        }
    }
}
