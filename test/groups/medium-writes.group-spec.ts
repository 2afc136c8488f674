// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../medium/testimonials.medium-spec.js';
import '../medium/versioned-writes.medium-spec.js';
import '../medium/insert-together.medium-spec.js';
import '../medium/articles.medium-spec.js';
import '../medium/hours.medium-spec.js';
