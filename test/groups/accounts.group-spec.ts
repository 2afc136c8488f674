// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../auth.e2e-spec.js';
import '../sessions.e2e-spec.js';
import '../mfa.e2e-spec.js';
import '../password-reset.e2e-spec.js';
import '../admin-users.e2e-spec.js';
import '../audit-events.e2e-spec.js';
