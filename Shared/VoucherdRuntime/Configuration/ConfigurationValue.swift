import Foundation

/// A JSON value from the config file, kept as parsed so that a service can read its own section
/// (the object under the service's name, such as `"identity": {...}`) with typed accessors that
/// name the key path in their errors.
public enum ConfigurationValue: Sendable, Hashable {
    /// A JSON string.
    case string(String)
    /// A JSON number.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A JSON object.
    case object([String: ConfigurationValue])
    /// A JSON array.
    case array([ConfigurationValue])
    /// `null`.
    case null

    /// Converts what `JSONSerialization` returns; nil for anything it cannot hold.
    init?(json: Any) {
        switch json {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; their type encoding is "c" (char)
            // on both Foundation implementations, where JSON numbers are "q" or "d".
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let object as [String: Any]:
            var values: [String: ConfigurationValue] = [:]
            for (key, value) in object {
                guard let converted = ConfigurationValue(json: value) else { return nil }
                values[key] = converted
            }
            self = .object(values)
        case let array as [Any]:
            var values: [ConfigurationValue] = []
            for value in array {
                guard let converted = ConfigurationValue(json: value) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case is NSNull:
            self = .null
        default:
            return nil
        }
    }
}
