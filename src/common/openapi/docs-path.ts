/** Where Swagger UI is served (`/docs`, its assets under `/docs/`), and its documents (`/docs-json`, `/docs-yaml`). */
export const DOCS_PATH = 'docs';
