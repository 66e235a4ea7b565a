import IssuanceService
import Testing
import VoucherdStore

@Suite struct IssuanceSchemaTests {
    @Test func migrationNamesAreVersioned() {
        for migration in IssuanceSchema.migrations {
            #expect(StoreMigration.isValidName(migration.name), "\(migration.name)")
        }
    }
}
