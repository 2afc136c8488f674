// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../route-conventions.e2e-spec.js';
import '../media.e2e-spec.js';
