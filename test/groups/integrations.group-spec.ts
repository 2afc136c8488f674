// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../health.e2e-spec.js';
import '../http-platform.e2e-spec.js';
import '../openapi.e2e-spec.js';
import '../openapi-document.e2e-spec.js';
import '../typed-client.e2e-spec.js';
import '../hostile-input.e2e-spec.js';
import '../metrics.e2e-spec.js';
import '../tracing.e2e-spec.js';
import '../notifications.e2e-spec.js';
import '../webhook-endpoints.e2e-spec.js';
