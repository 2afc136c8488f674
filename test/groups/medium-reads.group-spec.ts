// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../medium/articles-read-model.medium-spec.js';
import '../medium/contact-requests.medium-spec.js';
import '../medium/maintenance.medium-spec.js';
