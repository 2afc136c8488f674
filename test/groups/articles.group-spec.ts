// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../articles.e2e-spec.js';
import '../article-covers.e2e-spec.js';
import '../article-preview.e2e-spec.js';
import '../articles-author-photos.e2e-spec.js';
import '../pagination-cache.e2e-spec.js';
import '../articles-practitioners.e2e-spec.js';
import '../articles-demo-seed.e2e-spec.js';
import '../content-events.e2e-spec.js';
