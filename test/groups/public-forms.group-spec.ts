// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../contact-requests.e2e-spec.js';
import '../contact-requests-input.e2e-spec.js';
import '../contact-requests-directory.e2e-spec.js';
import '../testimonials.e2e-spec.js';
import '../testimonials-input.e2e-spec.js';
import '../testimonials-sync.e2e-spec.js';
