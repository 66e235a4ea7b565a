import Foundation
import Logging
public import VoucherdStore

extension VoucherdStore {
    /// Opens (creating if needed) a service's store in its data directory and runs its
    /// migrations, with the store's default tuning.
    ///
    /// Why here: a service that cannot open its store must stop with one line naming the
    /// directory, the same in every executable (see ``ServiceProcess``).
    /// - Parameters:
    ///   - dataDirectory: the service's data directory (`data-dir`).
    ///   - migrations: the service's schema.
    ///   - loggerLabel: the store's logger, such as `voucherd.identity.store`.
    /// - Returns: the open store.
    /// - Throws: ``StartupError`` naming the directory and the cause.
    public static func open(
        dataDirectory: String,
        migrations: [StoreMigration],
        loggerLabel: String
    ) throws(StartupError) -> VoucherdStore {
        do {
            let configuration = StoreConfiguration(
                directory: URL(fileURLWithPath: dataDirectory),
                logger: Logger(label: loggerLabel)
            )
            return try VoucherdStore(configuration: configuration, migrations: migrations)
        } catch {
            throw StartupError("cannot open the store in \(dataDirectory): \(error)")
        }
    }
}
