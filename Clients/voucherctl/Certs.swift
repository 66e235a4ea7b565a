import ArgumentParser
import Foundation
import VoucherdPKI

/// `voucherctl certs`: the local CA and the certificates services and clients use.
struct Certs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the local CA and the certificates voucherd services and clients use.",
        subcommands: [Init.self]
    )
}

extension Certs {
    /// How `certs init` prints what it wrote.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    /// `voucherctl certs init`: writes a CA plus service and client certificates.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a local CA and a certificate and key for every service and client.",
            discussion: """
                Writes ca.crt/ca.key (reusing them if both already exist, unless --new-ca is given), \
                then <service>.crt/.key for every service (server and client usage, DNS names \
                voucherd-<service> plus every --host, every --ip, and the URI \
                spiffe://voucherd/service/<service>) and <client>.crt/.key for every client (client \
                usage, URI spiffe://voucherd/client/<client>). Key files are created with mode 0600.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The directory to write into; created if needed.", valueName: "dir"))
        var out: String

        @Option(
            name: .customLong("service"),
            help: ArgumentHelp(
                "A service to issue a certificate for ([a-z0-9-]+); repeat for several. "
                    + "Default: \(LocalClusterCertificates.defaultServices.joined(separator: ", ")).",
                valueName: "name"
            )
        )
        var services: [String] = []

        @Option(
            name: .customLong("client"),
            help: ArgumentHelp(
                "A client to issue a certificate for ([a-z0-9-]+); repeat for several. "
                    + "Default: \(LocalClusterCertificates.defaultClients.joined(separator: ", ")).",
                valueName: "name"
            )
        )
        var clients: [String] = []

        @Option(
            name: .customLong("host"),
            help: ArgumentHelp(
                "An extra DNS name for every service certificate; repeat for several. "
                    + "Default: \(LocalClusterCertificates.defaultHosts.joined(separator: ", ")).",
                valueName: "name"
            )
        )
        var hosts: [String] = []

        @Option(
            name: .customLong("ip"),
            help: ArgumentHelp(
                "An IPv4 or IPv6 address for every service certificate; repeat for several. "
                    + "Default: \(LocalClusterCertificates.defaultIPAddresses.joined(separator: ", ")).",
                valueName: "addr"
            )
        )
        var ipAddresses: [String] = []

        @Flag(name: .customLong("new-ca"), help: "Make a new CA even if ca.crt and ca.key already exist.")
        var newCA = false

        @Option(name: .long, help: "How to print what was written: table or json.")
        var format: OutputFormat = .table

        func run() throws {
            let summary: LocalClusterCertificates.Summary
            do {
                summary = try LocalClusterCertificates.write(
                    to: out,
                    services: services.isEmpty ? LocalClusterCertificates.defaultServices : services,
                    clients: clients.isEmpty ? LocalClusterCertificates.defaultClients : clients,
                    hosts: hosts.isEmpty ? LocalClusterCertificates.defaultHosts : hosts,
                    ipAddresses: ipAddresses.isEmpty ? LocalClusterCertificates.defaultIPAddresses : ipAddresses,
                    reuseExistingCA: !newCA
                )
            } catch let error as LocalClusterCertificatesError {
                throw fail(error.description)
            } catch let error as PKIError {
                throw fail(error.description)
            }
            switch format {
            case .table:
                print(Self.table(summary), terminator: "")
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(summary)
                print(String(decoding: data, as: UTF8.self))
            }
        }

        /// Prints `message` to standard error and returns the failure exit code to throw.
        private func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            return ExitCode.failure
        }

        /// The summary as aligned columns: NAME, KIND, IDENTITY, CERTIFICATE.
        static func table(_ summary: LocalClusterCertificates.Summary) -> String {
            let caLine =
                summary.caReused
                ? "Reused CA \(summary.caSubject) from \(summary.caCertificatePath)\n"
                : "Created CA \(summary.caSubject) at \(summary.caCertificatePath)\n"
            var rows = [["NAME", "KIND", "IDENTITY", "CERTIFICATE", "KEY"]]
            for entry in summary.certificates {
                rows.append([
                    entry.name, entry.kind.rawValue, entry.identity, entry.certificatePath, entry.privateKeyPath,
                ])
            }
            var widths = [Int](repeating: 0, count: rows[0].count)
            for row in rows {
                for (index, cell) in row.enumerated() {
                    widths[index] = max(widths[index], cell.count)
                }
            }
            var output = caLine + "\n"
            for row in rows {
                let cells = row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }
                output += cells.joined(separator: "  ") + "\n"
            }
            output += "\n\(summary.filesWritten.count) files written to \(summary.directory)\n"
            return output
        }
    }
}
