import ArgumentParser
import Foundation

/// Prints a report, writes its JSON if asked, and turns a failed check into the exit code.
enum ReportOutput {
    static func emit(_ report: LoadReport, jsonPath: String?) throws {
        print(report.table, terminator: "")
        if let jsonPath {
            try report.jsonData().write(to: URL(fileURLWithPath: jsonPath))
            print("\nJSON written to \(jsonPath)")
        }
        guard report.passed else {
            FileHandle.standardError.write(Data("error: verification failed\n".utf8))
            throw ExitCode.failure
        }
    }
}
