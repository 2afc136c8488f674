// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../articles-practitioners.e2e-spec.js';
import '../articles-demo-seed.e2e-spec.js';
import '../content-events.e2e-spec.js';
