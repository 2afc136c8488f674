// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../services.e2e-spec.js';
import '../locations.e2e-spec.js';
import '../practitioners.e2e-spec.js';
import '../directory-photos.e2e-spec.js';
import '../directory-seed.e2e-spec.js';
import '../hours.e2e-spec.js';
import '../hours-schema-org.e2e-spec.js';
