// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../medium/articles-read-model.medium-spec.js';
import '../medium/contact-requests.medium-spec.js';
import '../medium/maintenance.medium-spec.js';
import '../medium/testimonials.medium-spec.js';
import '../medium/versioned-writes.medium-spec.js';
import '../medium/insert-together.medium-spec.js';
import '../medium/articles.medium-spec.js';
import '../medium/hours.medium-spec.js';
import '../medium/accounts.medium-spec.js';
