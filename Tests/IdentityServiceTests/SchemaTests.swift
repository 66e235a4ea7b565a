import Testing
import IdentityService
import VoucherdStore

@Suite struct SchemaTests {
    @Test func migrationNamesAreVersioned() {
        for migration in IdentitySchema.migrations {
            #expect(StoreMigration.isValidName(migration.name), "\(migration.name)")
        }
    }
}
