// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../rate-limit.e2e-spec.js';
import '../rate-limit-site.e2e-spec.js';
import '../rate-limit-cluster.e2e-spec.js';
