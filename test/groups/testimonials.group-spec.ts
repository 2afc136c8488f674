// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../testimonials.e2e-spec.js';
import '../testimonials-input.e2e-spec.js';
import '../testimonials-sync.e2e-spec.js';
