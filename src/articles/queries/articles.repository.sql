-- Every query ArticlesRepository sends, recorded by src/articles/articles.queries.spec.ts: do not edit.
-- Regenerate: UPDATE_SQL_SNAPSHOTS=1 npm run test:unit -- --testPathPatterns articles.queries
-- Each statement: its parameters, then its SQL (formatted for reading; control characters as \uXXXX).

-- ArticlesRepository.listLive (newest first, page 3)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = 20
-- $3 = 40
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.published_at
                FROM articles a
                WHERE a.status = 'published'
                    AND a.published_at <= $1
            ) k
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $2 OFFSET $3
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
SELECT (
        (
            SELECT coalesce(sum(c.count), 0)
            FROM article_counts c
            WHERE c.status = 'published'
                AND c.tag = ''
        ) - (
            SELECT count(*)
            FROM articles a
            WHERE a.status = 'published'
                AND a.published_at > $1
        )
    )::int AS total;

-- ArticlesRepository.listLive (a tag, newest first: a walk of article_tags, counted by the counters less the scheduled)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
-- $3 = 20
-- $4 = 20
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT t.article_id AS id,
                    t.published_at
                FROM article_tags t
                WHERE t.tag = $2
                    AND t.published_at <= $1
            ) k
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $3 OFFSET $4
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
SELECT (
        (
            SELECT coalesce(sum(c.count), 0)
            FROM article_counts c
            WHERE c.status = 'published'
                AND c.tag = $2
        ) - (
            SELECT count(*)
            FROM article_tags t
            WHERE t.tag = $2
                AND t.published_at > $1
        )
    )::int AS total;

-- ArticlesRepository.listLive (a search, best match first: title matches, then the newest ranked, counted up to the cap)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "self compassion"
-- $3 = 120
-- $4 = 20
-- $5 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    ts_headline(
        'english',
        CASE
            WHEN f.at > 151 THEN regexp_replace(
                substr(a.body_text, f.at - 150, 600),
                '^\S*\s+',
                ''
            )
            ELSE substr(a.body_text, 1, 600)
        END,
        websearch_to_tsquery('english', $2),
        'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    ) AS highlight
FROM (
        SELECT k.*
        FROM (
                SELECT m.id,
                    m.published_at,
                    m.in_title,
                    CASE
                        WHEN row_number() OVER (
                            PARTITION BY m.in_title
                            ORDER BY m.published_at DESC NULLS LAST,
                                m.id DESC
                        ) <= 100 THEN ts_rank_cd(m.vector, m.query)
                    END AS rank
                FROM (
                        SELECT s.article_id AS id,
                            s.published_at,
                            s.title_vector @@ query AS in_title,
                            s.search_vector AS vector,
                            query
                        FROM article_search s,
                            websearch_to_tsquery('english', $2) AS query
                        WHERE s.search_vector @@ query
                            AND s.status = 'published'
                            AND s.published_at <= $1
                        ORDER BY in_title DESC,
                            s.published_at DESC NULLS LAST,
                            s.article_id DESC
                        LIMIT $3
                    ) m
            ) k
        ORDER BY k.in_title DESC,
            k.rank DESC NULLS LAST,
            k.published_at DESC NULLS LAST,
            k.id DESC
        LIMIT $4 OFFSET $5
    ) p
    JOIN articles a ON a.id = p.id,
    (
        SELECT '\m(' || string_agg(
                regexp_replace(
                    CASE
                        WHEN length(l) > 3 THEN regexp_replace(l, 'i$', '')
                        ELSE l
                    END,
                    '([^[:alnum:]])',
                    '\\\1',
                    'g'
                ),
                '|'
            ) || ')'
        FROM regexp_matches(
                websearch_to_tsquery('english', $2)::text,
                '''((?:[^'']|'''')+)''',
                'g'
            ) AS m,
            replace(m [1], '''''', '''') AS l
    ) AS h(pattern),
    LATERAL (
        SELECT coalesce(
                nullif(
                    regexp_instr(a.body_text, h.pattern, 1, 1, 0, 'i'),
                    0
                ),
                1
            ) AS at
    ) f
ORDER BY p.in_title DESC,
    p.rank DESC NULLS LAST,
    p.published_at DESC NULLS LAST,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "self compassion"
SELECT least(count(*), 10000)::int AS total,
    count(*) > 10000 AS capped
FROM (
        SELECT
        FROM article_search s,
            websearch_to_tsquery('english', $2) AS query
        WHERE s.search_vector @@ query
            AND s.status = 'published'
            AND s.published_at <= $1
        LIMIT 10001
    ) m;

-- ArticlesRepository.listLive (a search, newest first)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "grounding"
-- $3 = 20
-- $4 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    ts_headline(
        'english',
        CASE
            WHEN f.at > 151 THEN regexp_replace(
                substr(a.body_text, f.at - 150, 600),
                '^\S*\s+',
                ''
            )
            ELSE substr(a.body_text, 1, 600)
        END,
        websearch_to_tsquery('english', $2),
        'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    ) AS highlight
FROM (
        SELECT k.*
        FROM (
                SELECT s.article_id AS id,
                    s.published_at
                FROM article_search s,
                    websearch_to_tsquery('english', $2) AS query
                WHERE s.search_vector @@ query
                    AND s.status = 'published'
                    AND s.published_at <= $1
            ) k
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $3 OFFSET $4
    ) p
    JOIN articles a ON a.id = p.id,
    (
        SELECT '\m(' || string_agg(
                regexp_replace(
                    CASE
                        WHEN length(l) > 3 THEN regexp_replace(l, 'i$', '')
                        ELSE l
                    END,
                    '([^[:alnum:]])',
                    '\\\1',
                    'g'
                ),
                '|'
            ) || ')'
        FROM regexp_matches(
                websearch_to_tsquery('english', $2)::text,
                '''((?:[^'']|'''')+)''',
                'g'
            ) AS m,
            replace(m [1], '''''', '''') AS l
    ) AS h(pattern),
    LATERAL (
        SELECT coalesce(
                nullif(
                    regexp_instr(a.body_text, h.pattern, 1, 1, 0, 'i'),
                    0
                ),
                1
            ) AS at
    ) f
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "grounding"
SELECT least(count(*), 10000)::int AS total,
    count(*) > 10000 AS capped
FROM (
        SELECT
        FROM article_search s,
            websearch_to_tsquery('english', $2) AS query
        WHERE s.search_vector @@ query
            AND s.status = 'published'
            AND s.published_at <= $1
        LIMIT 10001
    ) m;

-- ArticlesRepository.listLive (a tag and a search, best match first)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
-- $3 = "self compassion"
-- $4 = 120
-- $5 = 20
-- $6 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    ts_headline(
        'english',
        CASE
            WHEN f.at > 151 THEN regexp_replace(
                substr(a.body_text, f.at - 150, 600),
                '^\S*\s+',
                ''
            )
            ELSE substr(a.body_text, 1, 600)
        END,
        websearch_to_tsquery('english', $3),
        'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    ) AS highlight
FROM (
        SELECT k.*
        FROM (
                SELECT m.id,
                    m.published_at,
                    m.in_title,
                    CASE
                        WHEN row_number() OVER (
                            PARTITION BY m.in_title
                            ORDER BY m.published_at DESC NULLS LAST,
                                m.id DESC
                        ) <= 100 THEN ts_rank_cd(m.vector, m.query)
                    END AS rank
                FROM (
                        SELECT s.article_id AS id,
                            s.published_at,
                            s.title_vector @@ query AS in_title,
                            s.search_vector AS vector,
                            query
                        FROM article_search s,
                            websearch_to_tsquery('english', $3) AS query
                        WHERE s.search_vector @@ query
                            AND s.status = 'published'
                            AND s.published_at <= $1
                            AND s.tags @> ARRAY [$2]::text []
                        ORDER BY in_title DESC,
                            s.published_at DESC NULLS LAST,
                            s.article_id DESC
                        LIMIT $4
                    ) m
            ) k
        ORDER BY k.in_title DESC,
            k.rank DESC NULLS LAST,
            k.published_at DESC NULLS LAST,
            k.published_at DESC,
            k.id DESC
        LIMIT $5 OFFSET $6
    ) p
    JOIN articles a ON a.id = p.id,
    (
        SELECT '\m(' || string_agg(
                regexp_replace(
                    CASE
                        WHEN length(l) > 3 THEN regexp_replace(l, 'i$', '')
                        ELSE l
                    END,
                    '([^[:alnum:]])',
                    '\\\1',
                    'g'
                ),
                '|'
            ) || ')'
        FROM regexp_matches(
                websearch_to_tsquery('english', $3)::text,
                '''((?:[^'']|'''')+)''',
                'g'
            ) AS m,
            replace(m [1], '''''', '''') AS l
    ) AS h(pattern),
    LATERAL (
        SELECT coalesce(
                nullif(
                    regexp_instr(a.body_text, h.pattern, 1, 1, 0, 'i'),
                    0
                ),
                1
            ) AS at
    ) f
ORDER BY p.in_title DESC,
    p.rank DESC NULLS LAST,
    p.published_at DESC NULLS LAST,
    p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
-- $3 = "self compassion"
SELECT least(count(*), 10000)::int AS total,
    count(*) > 10000 AS capped
FROM (
        SELECT
        FROM article_search s,
            websearch_to_tsquery('english', $3) AS query
        WHERE s.search_vector @@ query
            AND s.status = 'published'
            AND s.published_at <= $1
            AND s.tags @> ARRAY [$2]::text []
        LIMIT 10001
    ) m;

-- ArticlesRepository.listLive (after a cursor, every term descending: a row comparison)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "2026-10-01T00:00:00.000Z"
-- $3 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $4 = 20
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.published_at
                FROM articles a
                WHERE a.status = 'published'
                    AND a.published_at <= $1
            ) k
        WHERE (k.published_at, k.id) < ($2, $3)
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $4
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
SELECT (
        (
            SELECT coalesce(sum(c.count), 0)
            FROM article_counts c
            WHERE c.status = 'published'
                AND c.tag = ''
        ) - (
            SELECT count(*)
            FROM articles a
            WHERE a.status = 'published'
                AND a.published_at > $1
        )
    )::int AS total;

-- ArticlesRepository.listLive (after a cursor, mixed directions: the expanded form)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "Sleep"
-- $3 = "2026-10-01T00:00:00.000Z"
-- $4 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $5 = 20
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.title,
                    a.published_at
                FROM articles a
                WHERE a.status = 'published'
                    AND a.published_at <= $1
            ) k
        WHERE (
                (k.title > $2)
                OR (
                    k.title = $2
                    AND k.published_at < $3
                )
                OR (
                    k.title = $2
                    AND k.published_at = $3
                    AND k.id < $4
                )
            )
        ORDER BY k.title ASC,
            k.published_at DESC,
            k.id DESC
        LIMIT $5
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.title ASC,
    p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
SELECT (
        (
            SELECT coalesce(sum(c.count), 0)
            FROM article_counts c
            WHERE c.status = 'published'
                AND c.tag = ''
        ) - (
            SELECT count(*)
            FROM articles a
            WHERE a.status = 'published'
                AND a.published_at > $1
        )
    )::int AS total;

-- ArticlesRepository.listLive (one practitioner’s, newest first: their index, counted in it)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
-- $3 = 20
-- $4 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.published_at
                FROM articles a
                WHERE a.status = 'published'
                    AND a.published_at <= $1
                    AND a.author_practitioner_id = $2
            ) k
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $3 OFFSET $4
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
SELECT count(*)::int AS total
FROM articles a
WHERE a.status = 'published'
    AND a.published_at <= $1
    AND a.author_practitioner_id = $2;

-- ArticlesRepository.listLive (one practitioner’s with a tag, after a cursor)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
-- $3 = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
-- $4 = "2026-10-01T00:00:00.000Z"
-- $5 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $6 = 20
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.published_at
                FROM articles a
                WHERE a.status = 'published'
                    AND a.published_at <= $1
                    AND a.tags @> ARRAY [$2]::text []
                    AND a.author_practitioner_id = $3
            ) k
        WHERE (k.published_at, k.id) < ($4, $5)
        ORDER BY k.published_at DESC,
            k.id DESC
        LIMIT $6
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.published_at DESC,
    p.id DESC;
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "anxiety"
-- $3 = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
SELECT count(*)::int AS total
FROM articles a
WHERE a.status = 'published'
    AND a.published_at <= $1
    AND a.tags @> ARRAY [$2]::text []
    AND a.author_practitioner_id = $3;

-- ArticlesRepository.publishedPractitioner (by slug)
-- $1 = "elena-marsh"
SELECT p.id
FROM practitioners p
WHERE p.slug = $1
    AND p.published;

-- ArticlesRepository.practitionerRenamedTo (an old slug)
-- $1 = "elena-m"
SELECT p.slug
FROM practitioner_slug_redirects r
    JOIN practitioners p ON p.id = r.practitioner_id
WHERE r.slug = $1
    AND p.published;

-- ArticlesRepository.linkedPractitioners (the public’s: published ones only)
-- $1 = ["3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"]
SELECT p.id,
    p.slug,
    p.photo_media_id,
    p.photo_alt,
    m.hash AS media_hash,
    m.alt AS media_alt,
    m.variants AS media_variants
FROM practitioners p
    LEFT JOIN media_items m ON m.id = p.photo_media_id
WHERE p.id = ANY($1::uuid [])
    AND p.published;

-- ArticlesRepository.linkedPractitioners (staff’s: hidden ones too)
-- $1 = ["3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"]
SELECT p.id,
    p.slug,
    p.photo_media_id,
    p.photo_alt,
    m.hash AS media_hash,
    m.alt AS media_alt,
    m.variants AS media_variants
FROM practitioners p
    LEFT JOIN media_items m ON m.id = p.photo_media_id
WHERE p.id = ANY($1::uuid []);

-- ArticlesRepository.practitionerIds (the slugs a request names)
-- $1 = "elena-marsh"
-- $2 = "samuel-okafor"
SELECT "Practitioner"."id" AS "Practitioner_id",
    "Practitioner"."slug" AS "Practitioner_slug"
FROM "practitioners" "Practitioner"
WHERE (("Practitioner"."slug" IN ($1, $2)));

-- ArticlesRepository.existingPractitioners (the links of a revision being restored)
-- $1 = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
SELECT "Practitioner"."id" AS "Practitioner_id"
FROM "practitioners" "Practitioner"
WHERE (("Practitioner"."id" IN ($1)));

-- ArticlesRepository.findLive (by slug)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "being-kind-to-yourself"
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    a.body,
    a.body_html,
    a.toc,
    a.word_count,
    a.reviewed_by,
    a.reviewed_by_practitioner_id,
    a.reviewed_at::text AS reviewed_at,
    a.seo_title,
    a.seo_description,
    a.updated_at
FROM articles a
WHERE a.slug = $2
    AND a.status = 'published'
    AND a.published_at <= $1;

-- ArticlesRepository.renamedTo (an old slug)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "be-kind-to-yourself"
SELECT a.slug
FROM article_slug_redirects r
    JOIN articles a ON a.id = r.article_id
WHERE r.slug = $2
    AND a.status = 'published'
    AND a.published_at <= $1;

-- ArticlesRepository.findLiveTags (by slug)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "being-kind-to-yourself"
SELECT a.id,
    a.tags
FROM articles a
WHERE a.slug = $2
    AND a.status = 'published'
    AND a.published_at <= $1;

-- ArticlesRepository.related (three sharing tags)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $3 = ["self-compassion","anxiety"]
-- $4 = 3
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    r.total
FROM (
        SELECT t.article_id AS id,
            count(*) AS shared,
            max(t.published_at) AS published_at,
            count(*) OVER ()::int AS total
        FROM article_tags t
        WHERE t.tag = ANY($3::text [])
            AND t.published_at <= $1
            AND t.article_id <> $2
        GROUP BY t.article_id
        ORDER BY shared DESC,
            published_at DESC,
            id DESC
        LIMIT $4
    ) r
    JOIN articles a ON a.id = r.id
ORDER BY r.shared DESC,
    r.published_at DESC,
    r.id DESC;

-- ArticlesRepository.tagCounts (page 2 of 50)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = 50
-- $3 = 50
SELECT c.tag,
    (c.count - coalesce(f.count, 0))::int AS count,
    count(*) OVER ()::int AS total
FROM article_counts c
    LEFT JOIN (
        SELECT tag,
            count(*) AS count
        FROM articles a,
            unnest(a.tags) AS tag
        WHERE a.status = 'published'
            AND a.published_at > $1
        GROUP BY tag
    ) f ON f.tag = c.tag
WHERE c.status = 'published'
    AND c.tag <> ''
    AND c.count > coalesce(f.count, 0)
ORDER BY 2 DESC,
    c.tag ASC
LIMIT $2 OFFSET $3;

-- ArticlesRepository.feed (the 20 newest)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = 20
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes
FROM articles a
WHERE a.status = 'published'
    AND a.published_at <= $1
ORDER BY a.published_at DESC,
    a.id DESC
LIMIT $2;

-- ArticlesRepository.listAny (every status, last updated first)
-- $1 = 20
-- $2 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    a.status,
    a.word_count,
    a.version,
    a.created_at,
    a.updated_at
FROM (
        SELECT k.*
        FROM (
                SELECT a.id,
                    a.updated_at
                FROM articles a
                WHERE TRUE
            ) k
        ORDER BY k.updated_at DESC,
            k.id DESC
        LIMIT $1 OFFSET $2
    ) p
    JOIN articles a ON a.id = p.id
ORDER BY p.updated_at DESC,
    p.id DESC;
SELECT coalesce(sum(c.count), 0)::int AS total
FROM article_counts c
WHERE c.tag = '';

-- ArticlesRepository.listAny (drafts with a tag and a search, best match first)
-- $1 = "draft"
-- $2 = "sleep"
-- $3 = "rest"
-- $4 = 20
-- $5 = 0
SELECT a.id,
    a.slug,
    a.title,
    a.excerpt,
    a.cover_image_url,
    a.cover_image_alt,
    a.cover_media_id,
    a.tags,
    a.author_name,
    a.author_credentials,
    a.author_practitioner_id,
    a.published_at,
    a.republished_at,
    a.reading_time_minutes,
    a.status,
    a.word_count,
    a.version,
    a.created_at,
    a.updated_at,
    ts_headline(
        'english',
        CASE
            WHEN f.at > 151 THEN regexp_replace(
                substr(a.body_text, f.at - 150, 600),
                '^\S*\s+',
                ''
            )
            ELSE substr(a.body_text, 1, 600)
        END,
        websearch_to_tsquery('english', $3),
        'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    ) AS highlight
FROM (
        SELECT k.*
        FROM (
                SELECT m.id,
                    m.published_at,
                    m.updated_at,
                    m.in_title,
                    CASE
                        WHEN row_number() OVER (
                            PARTITION BY m.in_title
                            ORDER BY m.published_at DESC NULLS LAST,
                                m.id DESC
                        ) <= 100 THEN ts_rank_cd(m.vector, m.query)
                    END AS rank
                FROM (
                        SELECT s.article_id AS id,
                            s.published_at,
                            a.updated_at,
                            s.title_vector @@ query AS in_title,
                            s.search_vector AS vector,
                            query
                        FROM article_search s
                            JOIN articles a ON a.id = s.article_id,
                            websearch_to_tsquery('english', $3) AS query
                        WHERE s.search_vector @@ query
                            AND s.status = $1
                            AND s.tags @> ARRAY [$2]::text []
                    ) m
            ) k
        ORDER BY k.in_title DESC,
            k.rank DESC NULLS LAST,
            k.published_at DESC NULLS LAST,
            k.updated_at DESC,
            k.id DESC
        LIMIT $4 OFFSET $5
    ) p
    JOIN articles a ON a.id = p.id,
    (
        SELECT '\m(' || string_agg(
                regexp_replace(
                    CASE
                        WHEN length(l) > 3 THEN regexp_replace(l, 'i$', '')
                        ELSE l
                    END,
                    '([^[:alnum:]])',
                    '\\\1',
                    'g'
                ),
                '|'
            ) || ')'
        FROM regexp_matches(
                websearch_to_tsquery('english', $3)::text,
                '''((?:[^'']|'''')+)''',
                'g'
            ) AS m,
            replace(m [1], '''''', '''') AS l
    ) AS h(pattern),
    LATERAL (
        SELECT coalesce(
                nullif(
                    regexp_instr(a.body_text, h.pattern, 1, 1, 0, 'i'),
                    0
                ),
                1
            ) AS at
    ) f
ORDER BY p.in_title DESC,
    p.rank DESC NULLS LAST,
    p.published_at DESC NULLS LAST,
    p.updated_at DESC,
    p.id DESC;
-- $1 = "draft"
-- $2 = "sleep"
-- $3 = "rest"
SELECT least(count(*), 10000)::int AS total,
    count(*) > 10000 AS capped
FROM (
        SELECT
        FROM article_search s,
            websearch_to_tsquery('english', $3) AS query
        WHERE s.search_vector @@ query
            AND s.status = $1
            AND s.tags @> ARRAY [$2]::text []
        LIMIT 10001
    ) m;

-- ArticlesRepository.findById (any status)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "Article"."id" AS "Article_id",
    "Article"."version" AS "Article_version",
    "Article"."created_at" AS "Article_created_at",
    "Article"."updated_at" AS "Article_updated_at",
    "Article"."created_by" AS "Article_created_by",
    "Article"."updated_by" AS "Article_updated_by",
    "Article"."slug" AS "Article_slug",
    "Article"."title" AS "Article_title",
    "Article"."excerpt" AS "Article_excerpt",
    "Article"."custom_excerpt" AS "Article_custom_excerpt",
    "Article"."body" AS "Article_body",
    "Article"."body_html" AS "Article_body_html",
    "Article"."body_text" AS "Article_body_text",
    "Article"."toc" AS "Article_toc",
    "Article"."word_count" AS "Article_word_count",
    "Article"."reading_time_minutes" AS "Article_reading_time_minutes",
    "Article"."tags" AS "Article_tags",
    "Article"."cover_image_url" AS "Article_cover_image_url",
    "Article"."cover_image_alt" AS "Article_cover_image_alt",
    "Article"."cover_media_id" AS "Article_cover_media_id",
    "Article"."author_name" AS "Article_author_name",
    "Article"."author_credentials" AS "Article_author_credentials",
    "Article"."author_practitioner_id" AS "Article_author_practitioner_id",
    "Article"."reviewed_by" AS "Article_reviewed_by",
    "Article"."reviewed_by_practitioner_id" AS "Article_reviewed_by_practitioner_id",
    "Article"."reviewed_at" AS "Article_reviewed_at",
    "Article"."seo_title" AS "Article_seo_title",
    "Article"."seo_description" AS "Article_seo_description",
    "Article"."status" AS "Article_status",
    "Article"."published_at" AS "Article_published_at",
    "Article"."republished_at" AS "Article_republished_at",
    "Article"."went_live_at" AS "Article_went_live_at"
FROM "articles" "Article"
WHERE (("Article"."id" = $1))
LIMIT 1;

-- ArticlesRepository.findForUpdate (locked for a change)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "Article"."id" AS "Article_id",
    "Article"."version" AS "Article_version",
    "Article"."created_at" AS "Article_created_at",
    "Article"."updated_at" AS "Article_updated_at",
    "Article"."created_by" AS "Article_created_by",
    "Article"."updated_by" AS "Article_updated_by",
    "Article"."slug" AS "Article_slug",
    "Article"."title" AS "Article_title",
    "Article"."excerpt" AS "Article_excerpt",
    "Article"."custom_excerpt" AS "Article_custom_excerpt",
    "Article"."body" AS "Article_body",
    "Article"."body_html" AS "Article_body_html",
    "Article"."body_text" AS "Article_body_text",
    "Article"."toc" AS "Article_toc",
    "Article"."word_count" AS "Article_word_count",
    "Article"."reading_time_minutes" AS "Article_reading_time_minutes",
    "Article"."tags" AS "Article_tags",
    "Article"."cover_image_url" AS "Article_cover_image_url",
    "Article"."cover_image_alt" AS "Article_cover_image_alt",
    "Article"."cover_media_id" AS "Article_cover_media_id",
    "Article"."author_name" AS "Article_author_name",
    "Article"."author_credentials" AS "Article_author_credentials",
    "Article"."author_practitioner_id" AS "Article_author_practitioner_id",
    "Article"."reviewed_by" AS "Article_reviewed_by",
    "Article"."reviewed_by_practitioner_id" AS "Article_reviewed_by_practitioner_id",
    "Article"."reviewed_at" AS "Article_reviewed_at",
    "Article"."seo_title" AS "Article_seo_title",
    "Article"."seo_description" AS "Article_seo_description",
    "Article"."status" AS "Article_status",
    "Article"."published_at" AS "Article_published_at",
    "Article"."republished_at" AS "Article_republished_at",
    "Article"."went_live_at" AS "Article_went_live_at"
FROM "articles" "Article"
WHERE (("Article"."id" = $1))
LIMIT 1 FOR
UPDATE;

-- ArticlesRepository.slugsLike (for a new slug)
-- $1 = "being-kind-to-yourself"
-- $2 = "being-kind-to-yourself-%"
SELECT slug
FROM articles
WHERE slug = $1
    OR slug LIKE $2
UNION
SELECT slug
FROM article_slug_redirects
WHERE slug = $1
    OR slug LIKE $2;

-- ArticlesRepository.claimSlug (a free slug)
-- $1 = "being-kind-to-yourself"
SELECT 1 AS "row_exists"
FROM (
        SELECT 1 AS dummy_column
    ) "dummy_table"
WHERE EXISTS (
        SELECT 1
        FROM "articles" "Article"
        WHERE (("Article"."slug" = $1))
    )
LIMIT 1;
-- $1 = "being-kind-to-yourself"
DELETE FROM "article_slug_redirects"
WHERE "slug" = $1;

-- ArticlesRepository.redirect (the old slug of a renamed article)
-- $1 = "be-kind-to-yourself"
-- $2 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
INSERT INTO "article_slug_redirects"("slug", "article_id", "created_at")
VALUES ($1, $2, DEFAULT) ON CONFLICT ("slug") DO
UPDATE
SET "slug" = EXCLUDED."slug",
    "article_id" = EXCLUDED."article_id"
RETURNING "created_at";

-- ArticlesRepository.previousSlugs (of an article)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "ArticleSlugRedirect"."slug" AS "ArticleSlugRedirect_slug",
    "ArticleSlugRedirect"."article_id" AS "ArticleSlugRedirect_article_id",
    "ArticleSlugRedirect"."created_at" AS "ArticleSlugRedirect_created_at"
FROM "article_slug_redirects" "ArticleSlugRedirect"
WHERE (("ArticleSlugRedirect"."article_id" = $1))
ORDER BY "ArticleSlugRedirect"."slug" ASC;

-- ArticlesRepository.delete (with its revisions and old slugs)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
DELETE FROM "articles"
WHERE "id" = $1;

-- ArticlesRepository.slugsWithCover (the articles a media item is the cover of)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "Article"."slug" AS "Article_slug",
    "Article"."id" AS "Article_id"
FROM "articles" "Article"
WHERE (("Article"."cover_media_id" = $1))
ORDER BY "Article_slug" ASC;

-- ArticlesRepository.save (a new draft)
-- $1 = 1
-- $2 = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
-- $3 = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
-- $4 = "being-kind-to-yourself"
-- $5 = "Being Kind to Yourself"
-- $6 = "Pause and notice."
-- $7 = null
-- $8 = "Pause and notice."
-- $9 = "<p>Pause and notice.</p>\n"
-- $10 = "Pause and notice."
-- $11 = "[]"
-- $12 = 3
-- $13 = 1
-- $14 = ["self-compassion"]
-- $15 = null
-- $16 = null
-- $17 = null
-- $18 = "Maya"
-- $19 = null
-- $20 = null
-- $21 = null
-- $22 = null
-- $23 = null
-- $24 = null
-- $25 = null
-- $26 = "draft"
-- $27 = null
INSERT INTO "articles"(
        "id",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "slug",
        "title",
        "excerpt",
        "custom_excerpt",
        "body",
        "body_html",
        "body_text",
        "toc",
        "word_count",
        "reading_time_minutes",
        "tags",
        "cover_image_url",
        "cover_image_alt",
        "cover_media_id",
        "author_name",
        "author_credentials",
        "author_practitioner_id",
        "reviewed_by",
        "reviewed_by_practitioner_id",
        "reviewed_at",
        "seo_title",
        "seo_description",
        "status",
        "published_at",
        "republished_at",
        "went_live_at"
    )
VALUES (
        DEFAULT,
        $1,
        DEFAULT,
        DEFAULT,
        $2,
        $3,
        $4,
        $5,
        $6,
        $7,
        $8,
        $9,
        $10,
        $11,
        $12,
        $13,
        $14,
        $15,
        $16,
        $17,
        $18,
        $19,
        $20,
        $21,
        $22,
        $23,
        $24,
        $25,
        $26,
        $27,
        DEFAULT,
        DEFAULT
    )
RETURNING "id",
    "version",
    "created_at",
    "updated_at",
    "status";

-- ArticlesRepository.save (the next version: published)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "Article"."id" AS "Article_id",
    "Article"."version" AS "Article_version",
    "Article"."created_at" AS "Article_created_at",
    "Article"."updated_at" AS "Article_updated_at",
    "Article"."created_by" AS "Article_created_by",
    "Article"."updated_by" AS "Article_updated_by",
    "Article"."slug" AS "Article_slug",
    "Article"."title" AS "Article_title",
    "Article"."excerpt" AS "Article_excerpt",
    "Article"."custom_excerpt" AS "Article_custom_excerpt",
    "Article"."body" AS "Article_body",
    "Article"."body_html" AS "Article_body_html",
    "Article"."body_text" AS "Article_body_text",
    "Article"."toc" AS "Article_toc",
    "Article"."word_count" AS "Article_word_count",
    "Article"."reading_time_minutes" AS "Article_reading_time_minutes",
    "Article"."tags" AS "Article_tags",
    "Article"."cover_image_url" AS "Article_cover_image_url",
    "Article"."cover_image_alt" AS "Article_cover_image_alt",
    "Article"."cover_media_id" AS "Article_cover_media_id",
    "Article"."author_name" AS "Article_author_name",
    "Article"."author_credentials" AS "Article_author_credentials",
    "Article"."author_practitioner_id" AS "Article_author_practitioner_id",
    "Article"."reviewed_by" AS "Article_reviewed_by",
    "Article"."reviewed_by_practitioner_id" AS "Article_reviewed_by_practitioner_id",
    "Article"."reviewed_at" AS "Article_reviewed_at",
    "Article"."seo_title" AS "Article_seo_title",
    "Article"."seo_description" AS "Article_seo_description",
    "Article"."status" AS "Article_status",
    "Article"."published_at" AS "Article_published_at",
    "Article"."republished_at" AS "Article_republished_at",
    "Article"."went_live_at" AS "Article_went_live_at"
FROM "articles" "Article"
WHERE "Article"."id" = $1;
-- $1 = 2
-- $2 = "7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8"
-- $3 = "published"
-- $4 = "2026-11-03T09:00:00.000Z"
-- $5 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
UPDATE "articles"
SET "version" = $1,
    "updated_by" = $2,
    "status" = $3,
    "published_at" = $4,
    "updated_at" = CURRENT_TIMESTAMP
WHERE "id" = $5
RETURNING "updated_at";

-- ArticlesRepository.insertRevision (the revision of a change)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $2 = 2
-- $3 = "published"
-- $4 = "{\"slug\":\"being-kind-to-yourself\",\"title\":\"Being Kind to Yourself\",\"customExcerpt\":null,\"body\":\"Pause and notice.\",\"tags\":[\"self-compassion\"],\"coverImageUrl\":null,\"coverImageAlt\":null,\"coverMediaId\":null,\"authorName\":\"Maya\",\"authorCredentials\":null,\"authorPractitionerId\":null,\"reviewedBy\":null,\"reviewedByPractitionerId\":null,\"reviewedAt\":null,\"seoTitle\":null,\"seoDescription\":null}"
-- $5 = "user"
-- $6 = "7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8"
INSERT INTO "article_revisions"(
        "id",
        "article_id",
        "version",
        "action",
        "snapshot",
        "actor_type",
        "actor_id",
        "created_at"
    )
VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, DEFAULT)
RETURNING "id",
    "created_at";

-- ArticlesRepository.revisions (page 2 of 20: the page, then the count)
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "ArticleRevision"."id" AS "ArticleRevision_id",
    "ArticleRevision"."article_id" AS "ArticleRevision_article_id",
    "ArticleRevision"."version" AS "ArticleRevision_version",
    "ArticleRevision"."action" AS "ArticleRevision_action",
    "ArticleRevision"."snapshot" AS "ArticleRevision_snapshot",
    "ArticleRevision"."actor_type" AS "ArticleRevision_actor_type",
    "ArticleRevision"."actor_id" AS "ArticleRevision_actor_id",
    "ArticleRevision"."created_at" AS "ArticleRevision_created_at"
FROM "article_revisions" "ArticleRevision"
WHERE (("ArticleRevision"."article_id" = $1))
ORDER BY "ArticleRevision"."version" DESC
LIMIT 20 OFFSET 20;
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT COUNT(1) AS "cnt"
FROM "article_revisions" "ArticleRevision"
WHERE (("ArticleRevision"."article_id" = $1));

-- ArticlesRepository.findRevision (one of an article)
-- $1 = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
-- $2 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
SELECT "ArticleRevision"."id" AS "ArticleRevision_id",
    "ArticleRevision"."article_id" AS "ArticleRevision_article_id",
    "ArticleRevision"."version" AS "ArticleRevision_version",
    "ArticleRevision"."action" AS "ArticleRevision_action",
    "ArticleRevision"."snapshot" AS "ArticleRevision_snapshot",
    "ArticleRevision"."actor_type" AS "ArticleRevision_actor_type",
    "ArticleRevision"."actor_id" AS "ArticleRevision_actor_id",
    "ArticleRevision"."created_at" AS "ArticleRevision_created_at"
FROM "article_revisions" "ArticleRevision"
WHERE (
        ("ArticleRevision"."id" = $1)
        AND ("ArticleRevision"."article_id" = $2)
    )
LIMIT 1;

-- ArticlesRepository.lastRevisionVersion (the latest status change (what a preview token is bound to))
-- $1 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
-- $2 = "created"
-- $3 = "published"
-- $4 = "unpublished"
-- $5 = "archived"
SELECT MAX("ArticleRevision"."version") AS "MAX"
FROM "article_revisions" "ArticleRevision"
WHERE (
        ("ArticleRevision"."article_id" = $1)
        AND ("ArticleRevision"."action" IN ($2, $3, $4, $5))
    );

-- ArticlesRepository.dueToGoLive (scheduled articles whose time came, locked)
-- $1 = "2026-11-03T09:00:00.000Z"
SELECT "a"."id" AS "a_id",
    "a"."slug" AS "a_slug",
    "a"."version" AS "a_version",
    "a"."published_at" AS "a_published_at"
FROM "articles" "a"
WHERE "a"."status" = 'published'
    AND "a"."went_live_at" IS NULL
    AND "a"."published_at" <= $1
ORDER BY "a_published_at" ASC,
    "a_id" ASC
LIMIT 200 FOR
UPDATE SKIP LOCKED;

-- ArticlesRepository.markWentLive (their going live announced)
-- $1 = "2026-11-03T09:00:00.000Z"
-- $2 = "5b0e7a8e-2f4d-4c61-9d3a-0f1e2d3c4b5a"
UPDATE "articles"
SET "went_live_at" = $1,
    "updated_at" = "updated_at"
WHERE "id" = $2;
