import VoucherdModel

/// The canonical codes a typed text could be, before anyone knows its campaign.
///
/// ClaimCode gets a bare code, and the split between prefix and random part depends on the
/// campaign's format. Each random length (8 to 32) gives one split; the check symbol rejects
/// all but about one in 32 of the wrong ones, so a typo costs no lookup at all and a real code
/// costs one indexed `IN` query of one or two candidates. The campaign found is then asked to
/// parse the text itself, which settles any ambiguity.
enum CodeCandidates {
    /// The longest text considered; anything longer cannot be a code.
    static let maximumLength = 128

    /// Every canonical code `text` could stand for; empty when it can be none.
    static func canonicalForms(of text: String) -> [String] {
        guard text.utf8.count <= Self.maximumLength else { return [] }
        let symbols = text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        var forms: [String] = []
        for randomLength in 8...32 {
            let prefixLength = symbols.count - randomLength - 1
            guard (0...16).contains(prefixLength) else { continue }
            let prefix = String(decoding: symbols.prefix(prefixLength).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
            let format = CouponCodeFormat(prefix: prefix, randomLength: randomLength, groupSize: 0)
            guard format.validationError() == nil, let code = format.parse(text) else { continue }
            forms.append(code.canonical)
        }
        return forms
    }
}
