// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
// Together because they start the app on an in-memory embedded database: the first start in a module registry
// runs initdb (seconds of CPU), the next ones copy that empty cluster.
import '../embedded-database.e2e-spec.js';
import '../first-admin.e2e-spec.js';
import '../production.e2e-spec.js';
import '../setup/scratch-database.e2e-spec.js';
