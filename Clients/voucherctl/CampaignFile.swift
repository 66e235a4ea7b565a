import Foundation
import SwiftProtobuf
import VoucherdModel


/// Reads a campaign definition file: proto3 JSON, or YAML turned into JSON first, so both
/// spellings accept exactly the same fields and values.
enum CampaignFile {
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - name: the file's name, for messages.
    /// - Throws: ``CLIError`` saying where the file is wrong (YAML line and column, or the
    ///   protobuf decoder's complaint).
    static func request(from data: Data, named name: String) throws -> Voucherd_V1_CreateCampaignRequest {
        let text = String(decoding: data, as: UTF8.self)
        let json: Data
        if text.first(where: { !$0.isWhitespace }) == "{" {
            json = data
        } else {
            do {
                json = try YAMLSubset.jsonData(from: text)
            } catch {
                throw CLIError("\(name) is not valid YAML: \(error)")
            }
        }
        do {
            return try Voucherd_V1_CreateCampaignRequest(jsonUTF8Data: json)
        } catch {
            throw CLIError("\(name) is not a CreateCampaignRequest: \(error)")
        }
    }
}
