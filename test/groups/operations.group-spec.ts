// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../lifecycle.e2e-spec.js';
import '../shutdown-drain.e2e-spec.js';
import '../mail.e2e-spec.js';
