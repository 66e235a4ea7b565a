#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VoucherdRuntime

// Thin by design: IdentityServer turns the configuration into a ServiceGroup and runs it (as a
// ServiceProcess); this file only hands over the command line and exits with its status.
let status = await IdentityServer.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
