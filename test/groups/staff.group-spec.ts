// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../admin-users.e2e-spec.js';
import '../audit-events.e2e-spec.js';
