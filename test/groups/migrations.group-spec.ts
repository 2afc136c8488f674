// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../database.e2e-spec.js';
import '../directory-migrations.e2e-spec.js';
import '../api-key-scopes-migration.e2e-spec.js';
import '../articles-authors-migration.e2e-spec.js';
import '../database-faults.e2e-spec.js';
