/** The response cache tag of everything public about articles: cleared by every article write. */
export const ARTICLES_CACHE_TAG = 'articles';
