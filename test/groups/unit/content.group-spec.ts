// Several suites in one Jest test file, which share its module registry (test/groups/README.md).
import '../../../src/articles/article-content.spec.js';
import '../../../src/articles/article-preview.spec.js';
import '../../../src/articles/articles.queries.spec.js';
import '../../../src/articles/demo-articles.seeder.spec.js';
import '../../../src/articles/json-ld.spec.js';
import '../../../src/articles/markdown.spec.js';
import '../../../src/articles/rss.spec.js';
import '../../../src/contact-requests/contact-details.spec.js';
import '../../../src/contact-requests/contact-requests.purge.spec.js';
import '../../../src/contact-requests/reply-time.spec.js';
import '../../../src/hours/schedule.spec.js';
import '../../../src/hours/us-federal-holidays.spec.js';
import '../../../src/locations/phone.spec.js';
import '../../../src/practitioners/json-ld.spec.js';
import '../../../src/services/service-content.spec.js';
import '../../../src/testimonials/testimonial-change-feed.service.spec.js';
import '../../../src/testimonials/testimonial-content.spec.js';
