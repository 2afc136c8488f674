// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../signing-keys.e2e-spec.js';
import '../key-rotation.e2e-spec.js';
import '../authorization.e2e-spec.js';
import '../admin-api-keys.e2e-spec.js';
import '../rate-limit.e2e-spec.js';
import '../rate-limit-site.e2e-spec.js';
import '../rate-limit-cluster.e2e-spec.js';
