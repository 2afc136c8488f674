// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../notifications.e2e-spec.js';
import '../webhook-endpoints.e2e-spec.js';
