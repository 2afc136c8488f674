/**
 * Generated from openapi.json by `npm run openapi:client` (openapi-typescript). Do not edit.
 */

export interface paths {
    "/api/v1/admin/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List integration keys (never their secrets)
         * @description Newest first, revoked and expired keys included: a key no longer works once `revokedAt` is set or `expiresAt`
         *     has passed. `prefix` (the secret's first characters) tells keys apart. `lastUsedAt` counts only requests the
         *     key was allowed to make and may be up to a minute behind.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an integration key
         * @description The response is the only time the secret is shown: store it in the integration right away.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One integration key (never its secret)
         * @description Only a hash of the secret is stored, so a lost secret cannot be recovered: revoke the key and create a new one.
         *     Revoked and expired keys are still returned; check `revokedAt` and `expiresAt`.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        /**
         * Revoke an integration key
         * @description Revocation is immediate and final; revoking a revoked key changes nothing.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Articles in every status (summaries, no body)
         * @description Filter by `status`, `tag` and `q`. Default order: last updated first, or best match first with `q` (which also
         *     gives each item a `highlight`, and counts up to 10,000 matches: `meta.totalIsLowerBound` beyond). `scheduled`
         *     marks published articles whose `publishedAt` is still ahead.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminListArticles"];
        put?: never;
        /**
         * Create a draft article
         * @description Creates a draft.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createArticle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One article in any status
         * @description Never cached (`no-store`). Its `ETag` (`"v<version>"`) is what `If-Match` expects on later changes.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminGetArticle"];
        put?: never;
        post?: never;
        /**
         * Delete an article with its revisions and redirects
         * @description Any status, published included: its URL and old slugs answer 404 afterwards, and its slug is free again. It
         *     cannot be undone; the audit log keeps an `article.deleted` event. Without `If-Match` the delete is unconditional.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deleteArticle"];
        options?: never;
        head?: never;
        /**
         * Edit an article
         * @description Changes the fields sent. A new slug keeps the old one working as a redirect.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updateArticle"];
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive (off the public site, kept for the record)
         * @description From draft or published (scheduled included); an archived one is 409 `invalid_transition`. Its public URL then
         *     answers 404 and `publishedAt` is kept; it can be published again later. Records a revision and an audit event.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["archiveArticle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/preview-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A signed, expiring preview token
         * @description Any status. The token is read-only and shows this one article at its public URL (`preview` on `getArticle`) until
         *     `expiresAt` (ARTICLE_PREVIEW_TTL_MINUTES, default 60) or until the article is published, unpublished, archived,
         *     goes live as scheduled, or is deleted, whichever comes first. Nothing is stored: ask for a new one at any time.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createArticlePreviewToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish now, or schedule
         * @description From draft or archived. `publishedAt` in the future schedules it; the body must not be empty.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["publishArticle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every saved state of an article, newest first
         * @description One per saved change (created, updated, published, unpublished, archived, restored): who made it and the editable
         *     fields as they then stood, without status or `publishedAt`. Restore one by its `id`.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["listArticleRevisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/revisions/{revisionId}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a revision
         * @description The revision's editable fields become current again as a new version; nothing is lost.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["restoreArticleRevision"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/articles/{id}/unpublish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Back to draft
         * @description A published (or scheduled) article goes back to draft.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["unpublishArticle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit events, newest first
         * @description Filters combine: `action` and `entityType` match exactly; `from` and `to` are inclusive (`to` before `from` is
         *     a 400). `sort=occurredAt` lists oldest first. Events are never changed or deleted, so they outlive the users and
         *     contact requests they name; `metadata` holds ids, field names and reasons, never personal data. `meta.total`
         *     counts up to 10,000 matching events, with or without filters: beyond, it is 10,000 and `meta.totalIsLowerBound`
         *     is true (later pages still exist), so a page costs the same in a log of millions.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/contact-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List contact requests
         * @description Newest first; phone and email shown masked. Listing is audited (which requests, not their contents). To find
         *     someone by phone number or email address, use the search (`POST …/search`): those never go in a URL.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        get: operations["listContactRequests"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/contact-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One contact request, in full
         * @description Decrypted, with notes and status history. Every read writes an audit event.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        get: operations["getContactRequest"];
        put?: never;
        post?: never;
        /**
         * Erase a contact request
         * @description Erasure on the person's request: the request, its notes and history are deleted; the audit log keeps that it happened.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        delete: operations["eraseContactRequest"];
        options?: never;
        head?: never;
        /**
         * Move the status or assign a contact request
         * @description `status`: new → in_progress → contacted → closed, or any → spam (final). `assignedTo`: an active staff member.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        patch: operations["updateContactRequest"];
        trace?: never;
    };
    "/api/v1/admin/contact-requests/{id}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit events of one contact request
         * @description Who read or changed it, oldest first (also after erasure).
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        get: operations["listContactRequestAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/contact-requests/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add an internal note
         * @description Internal, encrypted like the message.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        post: operations["addContactRequestNote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/contact-requests/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find contact requests by phone or email
         * @description The list's filters and pagination in a JSON body, plus `phone` and/or `email` (at least one; exact matches,
         *     normalized like submissions). A body, because URLs end up in proxy, CDN and browser logs. The search is audited
         *     (`contact_request.searched`: which kinds of terms were used, the ids found and the count, never the terms).
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        post: operations["searchContactRequests"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/hours/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or replace a schedule
         * @description Creates the schedule (201) or replaces its name, zone, description and weekly periods (200).
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        put: operations["putSchedule"];
        post?: never;
        /**
         * Delete a schedule
         * @description Deletes the schedule and its exceptions.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/hours/{key}/exceptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every exception of a schedule, by start date
         * @description Past and far-off ones included, unlike a schedule's public `exceptions`, which only show the next 90 days. Dates
         *     are local dates in the schedule's `timeZone`.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        get: operations["listHoursExceptions"];
        put?: never;
        /**
         * Close or change the hours for a date range
         * @description `startDate` to `endDate` (inclusive; default `startDate`) are local dates in the schedule's `timeZone`, at most 366
         *     days. `closed: true` closes every date of the range; `closed: false` replaces its weekly periods with `periods` (at
         *     least one). 409 when the range shares a date with another exception of this schedule (the detail names it).
         *     Recorded in the audit log.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        post: operations["createHoursException"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/hours/{key}/exceptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One exception of a schedule
         * @description Where a created exception's `Location` points. 404 if it belongs to another schedule.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        get: operations["getHoursException"];
        put?: never;
        post?: never;
        /**
         * Delete an exception
         * @description Its dates follow the weekly periods again. 404 if it belongs to another schedule. Recorded in the audit log.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        delete: operations["deleteHoursException"];
        options?: never;
        head?: never;
        /**
         * Change an exception
         * @description Changes the fields sent; the result is checked as on create, 409 included. Moving the `startDate` of a one-day
         *     exception without sending `endDate` moves `endDate` too. `closed: true` drops its periods; `closed: false` needs
         *     `periods` unless it already has some. Recorded in the audit log.
         *
         *     **Access:** staff with the role admin or frontdesk (bearer token).
         */
        patch: operations["updateHoursException"];
        trace?: never;
    };
    "/api/v1/admin/locations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Locations, published or not
         * @description Published and hidden, in the clinic's order.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminListLocations"];
        put?: never;
        /**
         * Add a location
         * @description A slug already taken is 409; an `hoursKey` naming no schedule is 400.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createLocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/locations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One location, published or not
         * @description Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete it.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminGetLocation"];
        put?: never;
        post?: never;
        /**
         * Delete a location no one names
         * @description 409 while practitioners or contact requests name it: unpublish it instead.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deleteLocation"];
        options?: never;
        head?: never;
        /**
         * Edit a location
         * @description Only the fields sent change (`address` and `geo` are replaced whole). The slug cannot change.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updateLocation"];
        trace?: never;
    };
    "/api/v1/admin/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Media items
         * @description Newest first.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["listMedia"];
        put?: never;
        /**
         * Upload an image
         * @description `multipart/form-data` with one `file` part and an `alt` field. The format is recognised from the bytes: a PNG
         *     named `photo.jpg` is stored as a PNG, and a file that is no JPEG, PNG, WebP or AVIF image (whatever its name or
         *     declared type) is 415. Over 10 MB is 413; over 50 megapixels (a decompression bomb) or an unreadable image is 400.
         *     The image is turned upright and stripped of every metadata block (EXIF with GPS position and camera serials, XMP,
         *     IPTC, ICC after conversion to sRGB), then made into variants 320, 640, 1280 and 1920 px wide (never wider than
         *     the upload) in AVIF, WebP and JPEG, served at `/media/<hash>/<width>.<ext>` with a year of immutable caching.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["uploadMedia"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/media/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One media item and where it is used
         * @description With `usages`: the records that show it (an article's slug under `articles`).
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["getMedia"];
        put?: never;
        post?: never;
        /**
         * Delete a media item and its files
         * @description 409 `media_in_use` while a record shows it, with `usages` naming them by kind (`{"articles": ["slug"]}`). Its
         *     files are removed with the last item that has them; their URLs then answer 404.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deleteMedia"];
        options?: never;
        head?: never;
        /**
         * Edit the alt text
         * @description Changes the alt text (records that show the item without an alt of their own show the new one).
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updateMedia"];
        trace?: never;
    };
    "/api/v1/admin/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Webhook deliveries: delivered, retrying and failed, newest first
         * @description Every endpoint's deliveries: one per event and subscribed endpoint, and pings. Superseded by
         *     `GET /api/v1/admin/webhook-endpoints/{id}/deliveries` for one endpoint; kept for an overview across endpoints.
         *     `status`, `event` (exact name) and `entityId` filter and combine. A `pending` delivery is retried with backoff until `giveUpAt`, then becomes `failed`; `delivered` and
         *     `failed` are final, and deleted by the retention purge once older than `CONTACT_RETENTION_DAYS`. `url` is shown
         *     without its query string or credentials.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listNotificationDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/practitioners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Practitioners, published or hidden
         * @description Published and hidden, with the same filters as the public list plus `published`.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminListPractitioners"];
        put?: never;
        /**
         * Add a practitioner
         * @description A slug taken is 409; an unknown service or location slug is 400 naming `services` or `locations`.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createPractitioner"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/practitioners/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One practitioner, published or hidden
         * @description Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminGetPractitioner"];
        put?: never;
        post?: never;
        /**
         * Delete a practitioner
         * @description 409 while contact requests name them: unpublish them instead.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deletePractitioner"];
        options?: never;
        head?: never;
        /**
         * Edit a practitioner
         * @description Only the fields sent change; lists are replaced whole. A new slug keeps the old one as a 301.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updatePractitioner"];
        trace?: never;
    };
    "/api/v1/admin/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Services, published or not
         * @description Published and hidden. Filter by `audience`, `format`, `published`; `sort` by sortOrder (default), name, dates.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminListServices"];
        put?: never;
        /**
         * Add a service
         * @description The slug is fixed once created. A slug already taken is 409.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createService"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/services/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One service, published or not
         * @description Answers with `ETag: "v<version>"`: send it as `If-Match` to edit or delete it.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminGetService"];
        put?: never;
        post?: never;
        /**
         * Delete a service no one names
         * @description 409 while testimonials, contact requests or practitioners name it: unpublish it instead.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deleteService"];
        options?: never;
        head?: never;
        /**
         * Edit a service
         * @description Only the fields sent change (`fee` is replaced whole). The slug cannot change.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updateService"];
        trace?: never;
    };
    "/api/v1/admin/testimonials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Testimonials in every status
         * @description Filter by `status`, `service`, `featured` and `spam` (honeypot catches), combined. `sort` takes `createdAt`,
         *     `updatedAt`, `approvedAt` and `sortOrder` (default `-createdAt`); ties go by `id`, so pages are stable. Withdrawn
         *     ones appear too, erased.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminListTestimonials"];
        put?: never;
        /**
         * Enter a testimonial
         * @description For testimonials received by email or in person, with the client's consent on record. Starts `pending`.
         *     `service` may name a hidden service (unlike the public form): staff enter testimonials about services before
         *     they are on the website.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["createTestimonial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/testimonials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One testimonial in any status
         * @description Answers with `ETag: "v<version>"`: send it as `If-Match` to edit, delete, approve, reject or withdraw it, and get
         *     412 instead of overwriting someone else's change. A withdrawn one is still found, with `quote`, the name and
         *     `rating` null.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        get: operations["adminGetTestimonial"];
        put?: never;
        post?: never;
        /**
         * Delete a testimonial
         * @description Removes it for good; if it was public, integrations receive a delete.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        delete: operations["deleteTestimonial"];
        options?: never;
        head?: never;
        /**
         * Edit a testimonial
         * @description Changes the fields sent. An approved testimonial's edits reach the public site and integrations at once.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        patch: operations["updateTestimonial"];
        trace?: never;
    };
    "/api/v1/admin/testimonials/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve: show it publicly
         * @description From pending or rejected: it becomes public (and reaches integrations as an upsert).
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["approveTestimonial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/testimonials/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject: keep it off the public site
         * @description From pending or approved; an approved one leaves the public site and integrations receive a delete.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["rejectTestimonial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/testimonials/{id}/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Withdraw consent: erase and unpublish for good
         * @description The author withdrew consent: the quote, name and rating are erased for good, it leaves the public site, and
         *     integrations receive a delete. It can never be approved again.
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        post: operations["withdrawTestimonial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/testimonials/order": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the order of testimonials
         * @description Sets `sortOrder` of several testimonials at once (all or nothing).
         *
         *     **Access:** staff with the role admin or editor (bearer token).
         */
        put: operations["reorderTestimonials"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List staff accounts
         * @description Sorted by `email` unless `sort` says otherwise; with `lastLoginAt`, accounts that never signed in come last in
         *     either direction. `role` and `active` filter and combine; deactivated accounts are included unless
         *     `active=true`. Password hashes are never returned.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a staff account with a role
         * @description The email is trimmed and lower-cased; one that already exists, in any case, is a 409 `conflict`. The password
         *     must be 12 to 128 characters, not the email address (or its part before the @) and not a common password; it
         *     is stored only as an argon2id hash and never returned. The creation is recorded in the audit log.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One staff account
         * @description Deactivated accounts are returned too (`active: false`); `lastLoginAt` is null until the first sign-in.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /**
         * Delete a staff account
         * @description Permanent: the account's tokens stop working at once and its email can be used again. The last active admin
         *     cannot be deleted (409 `last_admin`); to block access but keep the account, deactivate it instead. The audit
         *     log keeps the account's events and records the deletion.
         *
         *     Integration keys it created keep working (keys belong to the clinic). When some still work (not revoked, not
         *     expired), the deletion reports them: the `user.deleted` audit event carries `metadata.apiKeysKept`
         *     (`{ count, ids }`), and the admins who receive the `apiKeysOfDeletedUser` notice (on by default) are emailed the
         *     keys' names and ids, never a secret or a prefix. The answer stays 204 like every delete; to see beforehand which
         *     keys an account made, list the API keys (`createdBy`).
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /**
         * Update a staff account
         * @description Change the display name or role, deactivate or reactivate, or reset the password.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/admin/users/{id}/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a user's second factor
         * @description Removes the user's second factor and recovery codes (a lost phone and lost codes): they sign in with the password
         *     alone, and enrol again (at once, if their role requires one). Recorded as `user.mfa_reset`.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        delete: operations["resetUserMfa"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End all of a user's sessions
         * @description Ends every session of the user (a lost laptop, a departure): refresh tokens and access tokens stop working at
         *     once. The account itself stays as it is. Recorded as `user.sessions_ended`.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        delete: operations["endUserSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints
         * @description Newest first; never their secrets.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /**
         * Add a webhook endpoint
         * @description The URL must be `https` and resolve to public addresses only (400 naming `url` otherwise). The response is the
         *     only time the signing secret is shown.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One webhook endpoint (never its secret)
         * @description **Access:** staff with the role admin (bearer token).
         */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description With its deliveries; pending ones are not sent.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        /**
         * Change a webhook endpoint
         * @description Only the fields given change; `active: true` re-enables an endpoint disabled for failing.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        patch: operations["updateWebhookEndpoint"];
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An endpoint's deliveries
         * @description Newest first: attempts so far, the last status code, error and duration.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        get: operations["listWebhookEndpointDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again
         * @description The same message again (same `webhook-id` and body, new timestamp and signature), retried like a new delivery.
         *     409 while it is still pending, or when the endpoint is inactive.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["redeliverWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event
         * @description A `ping` event to this endpoint only, sent right away; follow it in its deliveries. 409 when inactive.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["pingWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the signing secret
         * @description A new secret, shown only in this response. For 24 hours the previous one signs too: `webhook-signature` carries
         *     two `v1,` signatures, and a receiver holding either secret verifies the delivery.
         *
         *     **Access:** staff with the role admin (bearer token).
         */
        post: operations["rotateWebhookEndpointSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Published articles (summaries, no body), newest first; filter by tag, search with q
         * @description Live only: a scheduled article appears once its `publishedAt` passes. With `q`, best match first unless `sort`
         *     says otherwise (title matches first; in each group the 100 newest matches by rank, then the older ones newest
         *     first), each item has a `highlight`, and `meta.total` counts up to 10,000 (`meta.totalIsLowerBound` beyond).
         *     For deep pages send `meta.nextCursor` as `cursor` instead of `page` (not when sorting by relevance).
         *     Cacheable: `ETag`, and 304 on `If-None-Match`.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listArticles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/articles/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One published article with its body, HTML, contents and JSON-LD (any status with a preview token)
         * @description An old slug of a renamed article answers 301 with the current address in `Location`. With `preview`, the article
         *     its token was made for, in any status, private (`no-store`, `X-Robots-Tag: noindex`); an invalid token is 401.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getArticle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/articles/{slug}/related": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Published articles sharing the most tags with this one, newest first
         * @description At most `limit` (default 3, up to 10), never the article itself, and none when it has no tags. `meta.total`
         *     counts every article sharing a tag, but there is no `page`. An old slug of a renamed article answers 301 to the
         *     current slug's related articles (with the same `limit`).
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listRelatedArticles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/articles/feed.xml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * RSS 2.0 feed of the 20 newest published articles
         * @description Live articles only; each item has the title, excerpt, tags (as categories) and a link to the public website. The
         *     bytes, and so the `ETag`, change only when its articles do. Takes no query parameters.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["articlesFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/change-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change your own password
         * @description Ends every session of the user, this one included: sign in again afterwards. Rate limited like sign-in (per
         *     IP): a stolen token must not become a way to guess the current password.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in as staff
         * @description Exchange email and password for a bearer token (valid `JWT_TTL`, 15 minutes by default) and a refresh token that
         *     keeps the session going (`POST /api/v1/auth/refresh`). In Swagger UI, paste `accessToken` into Authorize.
         *
         *     Rate limits count failed sign-ins only, never successful ones. An IP address gets `RATE_LIMIT_LOGIN_LIMIT` (5)
         *     failures per `RATE_LIMIT_LOGIN_WINDOW_SECONDS` (60), whatever the emails; then it gets 429 until the window
         *     ends. An email gets more, `RATE_LIMIT_LOGIN_EMAIL_LIMIT` (20) failures from anywhere; past that, only the
         *     addresses that failed on that email get 429 for it. So guesses cannot lock the account's owner out: the right
         *     password from an address that has not failed still signs in. Each attempt is held as a failure until it
         *     succeeds, so concurrent guesses cannot overrun the budget; `RateLimit-*` headers show the address's failures
         *     left should this attempt fail.
         *
         *     With a second factor on, the answer is `{ mfaRequired: true, challengeToken }` instead of tokens: send the
         *     challenge and a code to `POST /api/v1/auth/login/mfa` within 5 minutes. A user whose role requires a second factor
         *     (`MFA_REQUIRED_ROLES`) and has none gets tokens that allow enrolment only (403 `mfa_enrolment_required` elsewhere).
         *
         *     **Access:** public, no credentials.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in: the second factor
         * @description The second step of signing in with a second factor: the `challengeToken` that `POST /api/v1/auth/login` answered
         *     with (valid 5 minutes) and either the app's current `code` or one `recoveryCode`. A code is accepted once. Wrong
         *     codes are limited per client IP like sign-ins (`RATE_LIMIT_LOGIN_LIMIT` per `RATE_LIMIT_LOGIN_WINDOW_SECONDS`),
         *     and per account whatever the client: the same per window, and at most 20 a day; then 429 (with Retry-After) until
         *     the window ends, or for the daily cap until an admin resets the account's second factor.
         *
         *     **Access:** public, no credentials.
         */
        post: operations["loginMfa"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out (end the session)
         * @description Ends the session the refresh token belongs to: its refresh tokens and access tokens stop working at once. Works
         *     with an expired access token, so it needs none; an unknown or already ended session is also 204.
         *
         *     **Access:** public, no credentials.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in staff member
         * @description Reads the account as it is now, not the token's claims; never the password hash. A 401 means the token no
         *     longer works: it expired, the password or role changed, or the account was deactivated or deleted.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your email notification preferences
         * @description The email notices you receive (see the README, "Email").
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        get: operations["getNotificationPreferences"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change your email notification preferences
         * @description Switches email notices on or off; fields left out keep their setting. Switching on a notice your role cannot
         *     receive (an editor and contact requests; anyone but an admin and webhook endpoints) is 400 naming the field.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        patch: operations["updateNotificationPreferences"];
        trace?: never;
    };
    "/api/v1/auth/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start enrolling an authenticator app
         * @description Starts enrolling an authenticator app (TOTP: SHA-1, 6 digits, 30 seconds): show `otpauthUri` as a QR code, or
         *     let the secret be typed in. Nothing changes at sign-in until `POST /api/v1/auth/mfa/totp/confirm` proves the app
         *     has it; calling this again replaces a pending secret. 409 when a second factor is already on.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        post: operations["enrolTotp"];
        /**
         * Turn the second factor off
         * @description Turns the second factor off: needs the password and a current code (a wrong one of either gets one answer, 400
         *     "password or code is not correct", that does not say which). Recovery codes stop working; the user's other
         *     sessions end, this one stays.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        delete: operations["disableTotp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn the second factor on
         * @description Turns the second factor on with the current password and a code the app shows, and returns ten recovery codes,
         *     shown this once: each signs in once in place of a code. A wrong password or code gets one answer, 400 "password or
         *     code is not correct", that does not say which, and counts against the account's sign-in budget. The user's other
         *     sessions end; this one stays.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        post: operations["confirmTotp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password reset link by email
         * @description Emails a link to set a new password (`PASSWORD_RESET_URL?token=…`, single use, valid 30 minutes) to the address,
         *     if it belongs to an active account. Always 202, after the same work whether or not it does, so the answer tells
         *     nothing about which addresses have accounts. Each request counts against the sign-in limits of the client and of
         *     the address (every one sends an email), as a failed sign-in does. Without `SMTP_URL` and `PASSWORD_RESET_URL`
         *     nothing is sent.
         *
         *     **Access:** public, no credentials.
         */
        post: operations["requestPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset link
         * @description Sets a new password with the token of a reset link (the same policy as everywhere: 12 to 128 characters, not the
         *     email address, not a common password) and ends every session of the account. A token used, expired or never
         *     issued is 400 naming `token`, and counts as a failed sign-in of the client.
         *
         *     **Access:** public, no credentials.
         */
        post: operations["confirmPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a new token pair with a refresh token
         * @description Exchanges a refresh token for a new access token and a new refresh token: each refresh token works once. One
         *     presented a second time was copied, so the whole session ends (both holders must sign in again) and the audit log
         *     records `auth.refresh_token_reused`. A refresh token of an ended or expired session, of a deactivated account, or
         *     one never issued answers 401.
         *
         *     **Access:** public, no credentials.
         */
        post: operations["refreshSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your sessions
         * @description Your live sessions, most recently used first: the device (browser and system, from the User-Agent), the network
         *     (IPv4 /24 or IPv6 /48, never the address), the sign-in and the last refresh. `current` marks this request's.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of your sessions
         * @description Ends one of your sessions (this one included): its tokens stop working at once. 404 for anyone else's.
         *
         *     **Access:** any signed-in staff member (bearer token).
         */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contact-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask the clinic to contact you
         * @description Stores the request (encrypted) and answers with a reference and when to expect a reply, from the opening hours.
         *     Send an `Idempotency-Key` to retry safely: the same key and body replay the first answer
         *     (`Idempotent-Replayed: true`); the same key with another body is 422; keys last 24 hours. A key is yours alone:
         *     it is scoped to your credential or, without one, to your IP address, so the same key from another client is a
         *     different key (retry from the same network).
         *
         *     `serviceInterest`, `location` and `preferredPractitioner` name published records only: one that is hidden is
         *     refused exactly as one that does not exist (400 naming the field), so a hidden draft cannot be found by trying.
         *     The five services of the former fixed list are taken even while hidden (their slugs were public).
         *
         *     **Access:** public, no credentials.
         */
        post: operations["createContactRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hours": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Schedules with their weekly periods and upcoming exceptions
         * @description Sorted by `key`. Each schedule's `exceptions` are those that end today or later and start at most 90 days from
         *     today (today in the schedule's own `timeZone`), by `startDate`. A cached copy may lag an admin change for as long
         *     as its `Cache-Control` allows, which never reaches past the next local midnight of a schedule listed.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listSchedules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hours/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One schedule with its weekly periods and upcoming exceptions
         * @description `exceptions` holds those that end today or later and start at most 90 days from today (today in the schedule's
         *     `timeZone`), by `startDate`. A cached copy may lag an admin change for as long as its `Cache-Control` allows,
         *     which never reaches past the schedule's next local midnight.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hours/{key}/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resolved opening hours for each local date
         * @description `days` local dates (default 7, at most 62) from `from` (default: today in the schedule's `timeZone`). Each day
         *     lists the periods that open on it, so one running past midnight appears only on the day it opens; an exception
         *     replaces the weekly periods on its dates and is named in `exception`. `opens` and `closes` are local times,
         *     `opensAt` and `closesAt` the UTC instants they fall on, daylight-saving changes included. Without `from`, the
         *     response is cached no longer than the schedule's next local midnight.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getHoursCalendar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hours/{key}/schema-org": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * schema.org OpeningHoursSpecification (JSON-LD)
         * @description For the website's structured data: embed the body verbatim as a JSON-LD script element (`<`, `>`, `&`, U+2028
         *     and U+2029 in names and labels are written as `\u003c`-style escapes, so no text can end the element). Its
         *     special opening hours are the upcoming exceptions, so it is cached no longer than the schedule's next local
         *     midnight.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getHoursSchemaOrg"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hours/{key}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether a schedule is open, and its next change
         * @description Open now (or at `at`)? The response is cached, by browsers, CDNs and the server alike, no longer than until the
         *     next opening or closing: each server computes it at most once a minute and after each hours change.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getHoursStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/testimonials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The whole public set now, with the cursor the change feed continues from
         * @description Every approved testimonial in one response (no paging), in the public site's order, each with its `sortOrder`.
         *     `meta.nextCursor` is the feed position the set was read at: pass it as `cursor` to `listTestimonialChanges` to get
         *     every later change exactly once, none missed.
         *
         *     **Access:** integrations with an API key carrying the `testimonials:read` scope.
         */
        get: operations["getTestimonialSnapshot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/integrations/testimonials/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes to the public set since a cursor
         * @description Every change to the public set after `cursor`, in commit order: `upsert` when a testimonial is approved or
         *     edited, `delete` when it is rejected, withdrawn or deleted. Polling with each `nextCursor` sees every
         *     change exactly once. A withdrawn testimonial's earlier upserts are removed from the feed.
         *
         *     **Access:** integrations with an API key carrying the `testimonials:read` scope.
         */
        get: operations["listTestimonialChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/locations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Published locations in the clinic’s order
         * @description In the clinic's order. Cacheable: `ETag`, and 304 on `If-None-Match`. Cached with the hours: deleting a schedule
         *     clears the `hoursKey` of its locations.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listLocations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/locations/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One published location with its schema.org JSON-LD
         * @description With `jsonLd`: the location as a schema.org `MedicalClinic`, its opening hours from its schedule (weekly hours and
         *     upcoming exceptions). Cached with the hours: a change of either shows at once; its caching ends at the next local
         *     midnight of the schedule, when the upcoming exceptions move on.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getLocation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/practitioners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Published practitioners; filter by specialty, language…
         * @description In the clinic's order. Filters combine: `specialty` (case-insensitive), `language` (`es` also finds `es-MX`),
         *     `service` and `location` (slugs), `telehealth`, `acceptingNewClients`. Cacheable: `ETag`, 304 on `If-None-Match`.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listPractitioners"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/practitioners/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One published practitioner with their JSON-LD
         * @description An old slug answers 301 with the current address in `Location`. Only public licences are shown.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getPractitioner"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/practitioners/{slug}/articles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A published practitioner’s published articles (summaries, no body), newest first
         * @description The live articles whose author is this practitioner (linked, not by name), newest first, optionally one tag's;
         *     for deep pages send `meta.nextCursor` as `cursor` instead of `page`. A hidden or unknown practitioner is 404; an
         *     old slug of a renamed one answers 301 to the current slug's articles (same query). Cacheable: `ETag`, and 304 on
         *     `If-None-Match`. Kept in the server's response cache with the other article reads: article and practitioner writes
         *     both clear it.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listPractitionerArticles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Published services in the clinic’s order
         * @description In the clinic's order. Filter by `audience` and `format`. Cacheable: `ETag`, and 304 on `If-None-Match`.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listServices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/services/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One published service with the practitioners who offer it
         * @description **Access:** public, no credentials.
         */
        get: operations["getService"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tags of published articles with how many use each, most used first
         * @description Counts live articles only: tags used only by drafts, archived or scheduled articles are absent. Equal counts are
         *     in alphabetical order. Cacheable: `ETag`, and 304 on `If-None-Match`.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listTags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/testimonials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Approved testimonials: featured first, then in the clinic’s order, then newest
         * @description Filter by `service` and `featured`. May be answered from server memory (`X-Cache: HIT`) until that copy expires
         *     or a staff change clears it; browsers and CDNs may keep their copy for as long as `Cache-Control` allows.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["listTestimonials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/testimonials/submissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the clinic a testimonial
         * @description Stored as `pending` until staff approve it. Only the last name's initial is kept. `consent` must be `true`.
         *     There is no way to read a submission back. `service` names a published service: a hidden one is refused
         *     exactly as one that does not exist (400 naming `service`).
         *
         *     **Access:** public, no credentials.
         */
        post: operations["submitTestimonial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness probe (checks the database)
         * @description Readiness: 200 when the database answers within 1.5 s (or DB_QUERY_TIMEOUT_MS when shorter), else 503
         *     problem+json with Retry-After. Also 503, at once and with `draining: true`, from the moment the instance
         *     received SIGTERM: load balancers stop routing here while the requests that still arrive are served.
         *
         *     With REDIS_URL, `redis` (the shared rate-limit counters) is reported too, but never fails readiness: when it does
         *     not answer it is `degraded` and so is the whole answer (`status: "degraded"`, still 200), since every instance
         *     shares it and taking them all out of rotation would help no one.
         *
         *     `mail` is always reported: `off` without SMTP_URL; else `up`, or `degraded` (still 200) when the last email could
         *     not be sent or a due one has waited more than 15 minutes. It comes from the mail dispatcher's last run, never
         *     from a connection to the SMTP server, so it cannot slow the probe down.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe
         * @description Liveness: 200 while the process can answer HTTP at all.
         *
         *     **Access:** public, no credentials.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AddressInput: {
            /**
             * @description ISO 3166-1 alpha-2.
             * @example US
             */
            country: string;
            /**
             * @description City or town.
             * @example Portland
             */
            locality: string;
            /** @example 97209 */
            postalCode?: string | null;
            /**
             * @description State, province or county.
             * @example OR
             */
            region?: string | null;
            /** @example 1200 Harbor Street, Suite 3 */
            street: string;
        };
        AddressResponse: {
            /** @example US */
            country: string;
            /** @example Portland */
            locality: string;
            /** @example 97209 */
            postalCode: string | null;
            /** @example OR */
            region: string | null;
            /** @example 1200 Harbor Street, Suite 3 */
            street: string;
        };
        AdminArticlePageMeta: {
            /** @example 1 */
            page: number;
            /** @example 20 */
            pageSize: number;
            /**
             * @description How many items the list has; for a search (`q`) at most 10,000: see `totalIsLowerBound`.
             * @example 10000
             */
            total: number;
            /**
             * @description Present, and true, only when counting stopped at 10,000 matches: `total` is then 10,000, a lower bound (`totalPages` follows from it, and further pages may exist). Absent whenever `total` is exact.
             * @example true
             * @enum {boolean}
             */
            totalIsLowerBound?: true;
            /** @example 500 */
            totalPages: number;
        };
        AdminArticleResponse: {
            author: components["schemas"]["AuthorResponse"];
            /** @example Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step. */
            body: string;
            /** @example <p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p> */
            bodyHtml: string;
            cover: components["schemas"]["CoverResponse"] | (null);
            coverImage: components["schemas"]["CoverImageResponse"] | (null);
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            createdBy: string | null;
            customExcerpt: boolean;
            /** @example Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step. */
            excerpt: string;
            /** @example Treat yourself as you would a <mark>friend</mark> … */
            highlight?: string;
            /** Format: uuid */
            id: string;
            /**
             * @description schema.org `BlogPosting`, or `MedicalWebPage` with `lastReviewed`/`reviewedBy` when reviewed, as JSON text to place verbatim inside a script element of type `application/ld+json`: `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c`-style escapes, so a title that closes the script tag cannot end the element. `JSON.parse` gives the schema.org object. Embed the string as it is: serializing the parsed object again (JSON.stringify) brings the raw characters back.
             * @example {"@context":"https://schema.org","@type":"BlogPosting","headline":"Tea \u0026 calm"}
             */
            jsonLd: string;
            /**
             * @example [
             *       "be-kind-to-yourself"
             *     ]
             */
            previousSlugs: string[];
            /** Format: date-time */
            publishedAt: string | null;
            /** @example 6 */
            readingTimeMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-16T14:30:00.000Z
             */
            republishedAt: string | null;
            review: components["schemas"]["ReviewResponse"] | (null);
            scheduled: boolean;
            seo: components["schemas"]["SeoResponse"];
            /** @example being-kind-to-yourself */
            slug: string;
            status: components["schemas"]["ArticleStatus"];
            /**
             * @example [
             *       "self-compassion"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
            toc: components["schemas"]["TocEntryResponse"][];
            /** Format: date-time */
            updatedAt: string;
            /** Format: uuid */
            updatedBy: string | null;
            version: number;
            /** @example 1380 */
            wordCount: number;
        };
        AdminArticleSummaryResponse: {
            author: components["schemas"]["AuthorResponse"];
            cover: components["schemas"]["CoverResponse"] | (null);
            coverImage: components["schemas"]["CoverImageResponse"] | (null);
            /** Format: date-time */
            createdAt: string;
            /** @example Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step. */
            excerpt: string;
            /** @example Treat yourself as you would a <mark>friend</mark> … */
            highlight?: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            publishedAt: string | null;
            /** @example 6 */
            readingTimeMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-16T14:30:00.000Z
             */
            republishedAt: string | null;
            scheduled: boolean;
            /** @example being-kind-to-yourself */
            slug: string;
            status: components["schemas"]["ArticleStatus"];
            /**
             * @example [
             *       "self-compassion"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
            wordCount: number;
        };
        AdminLocationResponse: {
            /** @example Step-free entrance; lift to all floors. */
            accessibilityNotes: string | null;
            address: components["schemas"]["AddressResponse"];
            /** Format: date-time */
            createdAt: string;
            /** @example pearl@wellclinic.example */
            email: string | null;
            geo: components["schemas"]["GeoResponse"] | (null);
            /** @example office */
            hoursKey: string | null;
            /** Format: uuid */
            id: string;
            /** @example Pearl District office */
            name: string;
            /** @example Street parking; garage on 12th. */
            parkingNotes: string | null;
            /** @example +15035550142 */
            phone: string | null;
            photo: components["schemas"]["PhotoResponse"] | (null);
            published: boolean;
            /** @example pearl-district */
            slug: string;
            /** @example 0 */
            sortOrder: number;
            telehealthOnly: boolean;
            /** Format: date-time */
            updatedAt: string;
            /** @example 1 */
            version: number;
        };
        AdminPractitionerResponse: {
            acceptingNewClients: boolean;
            /** @example Waitlist for evening slots. */
            acceptingNewClientsNote: string | null;
            /**
             * @example [
             *       "EFT",
             *       "Gottman Method"
             *     ]
             */
            approaches: string[];
            /** @example Maya works with couples and families through **big transitions**. */
            bio: string;
            /** @example <p>Maya works with couples and families through <strong>big transitions</strong>.</p> */
            bioHtml: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials: string[];
            /** Format: uuid */
            id: string;
            /** @example Licensed Marriage and Family Therapist */
            jobTitle: string | null;
            /**
             * @example [
             *       "en",
             *       "sv"
             *     ]
             */
            languages: string[];
            licenses: components["schemas"]["LicenseResponse"][];
            /**
             * @example [
             *       "harbor-street"
             *     ]
             */
            locations: string[];
            /** @example Maya Lindqvist */
            name: string;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /**
             * @example [
             *       "maya-l"
             *     ]
             */
            previousSlugs: string[];
            /** @example she/her */
            pronouns: string | null;
            published: boolean;
            /**
             * @example [
             *       "couples-therapy"
             *     ]
             */
            services: string[];
            /** @example maya-lindqvist */
            slug: string;
            /** @example 0 */
            sortOrder: number;
            /**
             * @example [
             *       "anxiety",
             *       "couples"
             *     ]
             */
            specialties: string[];
            telehealth: boolean;
            /** Format: date-time */
            updatedAt: string;
            /** @example 1 */
            version: number;
        };
        AdminServiceResponse: {
            /**
             * @example [
             *       "couples"
             *     ]
             */
            audiences: components["schemas"]["ServiceAudience"][];
            /** Format: date-time */
            createdAt: string;
            /** @example For partners who want to **argue less** and understand each other more. */
            description: string;
            /** @example <p>For partners who want to <strong>argue less</strong> and understand each other more.</p> */
            descriptionHtml: string;
            fee: components["schemas"]["FeeResponse"] | (null);
            /**
             * @example [
             *       "in_person"
             *     ]
             */
            formats: components["schemas"]["ServiceFormat"][];
            /** Format: uuid */
            id: string;
            /**
             * @example [
             *       "Aetna",
             *       "Blue Shield"
             *     ]
             */
            insuranceAccepted: string[];
            /** @example Couples therapy */
            name: string;
            published: boolean;
            /** @example 50 */
            sessionLengthMinutes: number | null;
            /** @example couples-therapy */
            slug: string;
            /** @example 0 */
            sortOrder: number;
            /** Format: date-time */
            updatedAt: string;
            /** @example 1 */
            version: number;
        };
        AdminTestimonialResponse: {
            /** Format: date-time */
            approvedAt: string | null;
            /** Format: uuid */
            approvedBy: string | null;
            consent: components["schemas"]["ConsentResponse"];
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            createdBy: string | null;
            /** @example Ivette B */
            displayName: string;
            featured: boolean;
            /** @example Ivette */
            firstName: string | null;
            /** Format: uuid */
            id: string;
            /** @example B */
            lastInitial: string | null;
            quote: string | null;
            rating: number | null;
            /** Format: date-time */
            rejectedAt: string | null;
            /** Format: uuid */
            rejectedBy: string | null;
            /** @example couples-therapy */
            service: string | null;
            sortOrder: number;
            source: components["schemas"]["TestimonialSource"];
            spam: boolean;
            status: components["schemas"]["TestimonialStatus"];
            /** Format: date-time */
            updatedAt: string;
            /** @example 1 */
            version: number;
            /** Format: date-time */
            withdrawnAt: string | null;
            /** Format: uuid */
            withdrawnBy: string | null;
        };
        ApiKeyCreatorResponse: {
            /** @description The account was deleted since: the key keeps working (keys belong to the clinic). */
            deleted: boolean;
            /**
             * @description Null once deleted.
             * @example Dana Whitfield
             */
            displayName: string | null;
            /** Format: uuid */
            id: string;
        };
        ApiKeyResponse: {
            /** Format: date-time */
            createdAt: string;
            /** @description Who created it; null for a key made without an account (a script). */
            createdBy: components["schemas"]["ApiKeyCreatorResponse"] | (null);
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** @example Partner directory widget */
            name: string;
            /**
             * @description The first characters of the secret.
             * @example wck_3kT9xQ2a
             */
            prefix: string;
            /** Format: date-time */
            revokedAt: string | null;
            scopes: components["schemas"]["ApiKeyScope"][];
        };
        /** @enum {string} */
        ApiKeyScope: "testimonials:read" | "site";
        /** @description `article.archived`: an article (draft or published) was archived: off the site for good. */
        ArticleArchivedEvent: {
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            articleId: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "article.archived";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            publishedAt: string | null;
            /** @example being-kind-to-yourself */
            slug: string;
            /** @example 3 */
            version: number;
        };
        /** @description `article.deleted`: an article was deleted, whatever its status. */
        ArticleDeletedEvent: {
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            articleId: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "article.deleted";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @example being-kind-to-yourself */
            slug: string;
            /** @enum {string} */
            status: "draft" | "published" | "archived";
            /** @example 3 */
            version: number;
        };
        ArticlePageMeta: {
            nextCursor: string | null;
            /** @example 1 */
            page: number;
            /** @example 20 */
            pageSize: number;
            /**
             * @description How many items the list has; for a search (`q`) at most 10,000: see `totalIsLowerBound`.
             * @example 10000
             */
            total: number;
            /**
             * @description Present, and true, only when counting stopped at 10,000 matches: `total` is then 10,000, a lower bound (`totalPages` follows from it, and further pages may exist). Absent whenever `total` is exact.
             * @example true
             * @enum {boolean}
             */
            totalIsLowerBound?: true;
            /** @example 500 */
            totalPages: number;
        };
        ArticlePreviewTokenResponse: {
            /**
             * Format: date-time
             * @description ARTICLE_PREVIEW_TTL_MINUTES after it was made; it also stops working as soon as the article's status changes.
             */
            expiresAt: string;
            /**
             * @description Send it as `preview` to `GET /api/v1/articles/{slug}`. Anyone holding it can read the article: share it as such.
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI…In0.Q2xpbmlj…
             */
            token: string;
            /**
             * @description The article's public API URL with the token: `/api/v1/articles/{slug}?preview=<token>`.
             * @example /api/v1/articles/being-kind-to-yourself?preview=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…
             */
            url: string;
        };
        /** @description `article.published`: an article went live: at once when published with a past or present `publishedAt`, or when its scheduled `publishedAt` arrives (emitted then, once, by a job that runs on one instance at a time). */
        ArticlePublishedEvent: {
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            articleId: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "article.published";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            publishedAt: string;
            /** @example being-kind-to-yourself */
            slug: string;
            /** @example 3 */
            version: number;
        };
        ArticleResponse: {
            author: components["schemas"]["AuthorResponse"];
            /** @example Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step. */
            body: string;
            /** @example <p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p> */
            bodyHtml: string;
            cover: components["schemas"]["CoverResponse"] | (null);
            coverImage: components["schemas"]["CoverImageResponse"] | (null);
            /** @example Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step. */
            excerpt: string;
            /** @example Treat yourself as you would a <mark>friend</mark> … */
            highlight?: string;
            /** Format: uuid */
            id: string;
            /**
             * @description schema.org `BlogPosting`, or `MedicalWebPage` with `lastReviewed`/`reviewedBy` when reviewed, as JSON text to place verbatim inside a script element of type `application/ld+json`: `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c`-style escapes, so a title that closes the script tag cannot end the element. `JSON.parse` gives the schema.org object. Embed the string as it is: serializing the parsed object again (JSON.stringify) brings the raw characters back.
             * @example {"@context":"https://schema.org","@type":"BlogPosting","headline":"Tea \u0026 calm"}
             */
            jsonLd: string;
            /** Format: date-time */
            publishedAt: string | null;
            /** @example 6 */
            readingTimeMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-16T14:30:00.000Z
             */
            republishedAt: string | null;
            review: components["schemas"]["ReviewResponse"] | (null);
            seo: components["schemas"]["SeoResponse"];
            /** @example being-kind-to-yourself */
            slug: string;
            /**
             * @example [
             *       "self-compassion"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
            toc: components["schemas"]["TocEntryResponse"][];
            /** Format: date-time */
            updatedAt: string;
            /** @example 1380 */
            wordCount: number;
        };
        ArticleRevisionResponse: {
            /** @enum {string} */
            action: "created" | "updated" | "published" | "unpublished" | "archived" | "restored";
            actor: components["schemas"]["RevisionActorResponse"];
            /** Format: date-time */
            createdAt: string;
            fields: components["schemas"]["RevisionFieldsResponse"];
            /** Format: uuid */
            id: string;
            /** @example 2 */
            version: number;
        };
        /** @enum {string} */
        ArticleStatus: "draft" | "published" | "archived";
        ArticleSummaryResponse: {
            author: components["schemas"]["AuthorResponse"];
            cover: components["schemas"]["CoverResponse"] | (null);
            coverImage: components["schemas"]["CoverImageResponse"] | (null);
            /** @example Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step. */
            excerpt: string;
            /** @example Treat yourself as you would a <mark>friend</mark> … */
            highlight?: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            publishedAt: string | null;
            /** @example 6 */
            readingTimeMinutes: number;
            /**
             * Format: date-time
             * @example 2026-11-16T14:30:00.000Z
             */
            republishedAt: string | null;
            /** @example being-kind-to-yourself */
            slug: string;
            /**
             * @example [
             *       "self-compassion"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
        };
        /** @description `article.unpublished`: a published article went back to draft (a scheduled one too, before it went live). */
        ArticleUnpublishedEvent: {
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            articleId: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "article.unpublished";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @example being-kind-to-yourself */
            slug: string;
            /** @example 3 */
            version: number;
        };
        /** @description `article.updated`: a live article changed (an edit or a restored revision that changed something). Drafts, scheduled and archived articles do not emit it. */
        ArticleUpdatedEvent: {
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            articleId: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "article.updated";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @example null */
            previousSlug: string | null;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            publishedAt: string;
            /** @example being-kind-to-yourself */
            slug: string;
            /** @example 3 */
            version: number;
        };
        /** @enum {string} */
        AuditActorType: "user" | "api_key" | "system" | "anonymous";
        AuditEventResponse: {
            /** @example user.created */
            action: string;
            /** Format: uuid */
            actorId: string | null;
            actorType: components["schemas"]["AuditActorType"];
            /** @description The `X-Request-Id` the caller sent, when it was a sane token (up to 128 of `A-Za-z0-9._:-`): as claimed by the caller, so never proof of anything. */
            clientRequestId: string | null;
            /** Format: uuid */
            entityId: string | null;
            /** @example user */
            entityType: string;
            /** Format: uuid */
            id: string;
            /**
             * @example {
             *       "fields": [
             *         "role"
             *       ]
             *     }
             */
            metadata: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            occurredAt: string;
            /** @description The id the server gave the request (its `X-Request-Id` response header); null for system jobs. */
            requestId: string | null;
            /**
             * @description The W3C trace id of the request: from the `traceparent` header the caller sent, when valid, else one the server started. The same id is on the request log line and in the `traceparent` of the webhooks the request caused. Null for system jobs.
             * @example 4bf92f3577b34da6a3ce929d0e0e4736
             */
            traceId: string | null;
        };
        /** @enum {string} */
        AuditEventSort: "-occurredAt" | "occurredAt";
        AuthorInput: {
            /** @example LMFT */
            credentials?: string | null;
            /** @example Maya Lindqvist */
            name: string;
            /**
             * @description The practitioner who wrote it, by their current slug (absent or null: none); an unknown slug is 400. The response shows `author.slug` once they are published.
             * @example maya-lindqvist
             */
            practitioner?: string | null;
        };
        AuthorResponse: {
            /** @example LMFT */
            credentials: string | null;
            /** @example Maya Lindqvist */
            name: string;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /** @example maya-lindqvist */
            slug: string | null;
        };
        CalendarDayResponse: {
            /** Format: date */
            date: string;
            exception: components["schemas"]["ExceptionLabel"] | (null);
            periods: components["schemas"]["ResolvedPeriodResponse"][];
        };
        CalendarResponse: {
            days: components["schemas"]["CalendarDayResponse"][];
            /** @example text-line */
            key: string;
            /** @example America/New_York */
            timeZone: string;
        };
        CappedPageMeta: {
            /** @example 1 */
            page: number;
            /** @example 20 */
            pageSize: number;
            /**
             * @description How many items the list has, counted up to 10,000: see `totalIsLowerBound`.
             * @example 10000
             */
            total: number;
            /**
             * @description Present, and true, only when counting stopped at 10,000 matches: `total` is then 10,000, a lower bound (`totalPages` follows from it, and further pages may exist). Absent whenever `total` is exact.
             * @example true
             * @enum {boolean}
             */
            totalIsLowerBound?: true;
            /** @example 500 */
            totalPages: number;
        };
        ChangeFeedMeta: {
            hasMore: boolean;
            /** @example WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0 */
            nextCursor: string;
        };
        ChangePasswordRequest: {
            /** @example the-current-passphrase */
            currentPassword: string;
            /**
             * @description At least 12 characters, not the email address, not a common password.
             * @example calm-harbor-lantern-42
             */
            newPassword: string;
        };
        ConfirmTotpRequest: {
            /**
             * @description The code the authenticator app shows now.
             * @example 492039
             */
            code: string;
            /** @example the-current-passphrase */
            password: string;
        };
        ConsentInput: {
            /**
             * Format: date-time
             * @description When the client gave consent; not in the future. Years 1900 to 2200.
             * @example 2026-11-20T15:30:00Z
             */
            givenAt: string;
            /** @example email */
            method: components["schemas"]["ConsentMethod"];
            /**
             * @description The version of the consent wording the client agreed to.
             * @example 2026-01
             */
            textVersion: string;
        };
        /** @enum {string} */
        ConsentMethod: "web-form" | "email" | "signed-form" | "verbal";
        ConsentResponse: {
            /** Format: date-time */
            givenAt: string;
            method: components["schemas"]["ConsentMethod"];
            /** @example 2026-01 */
            textVersion: string;
        };
        /** @enum {string} */
        ContactChannel: "text" | "call" | "email";
        /** @description `contact_request.created`: a request arrived (spam is not announced). */
        ContactRequestCreatedEvent: {
            /** @enum {string} */
            channel: "text" | "call" | "email";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            contactRequestId: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            createdAt: string;
            /** @enum {string} */
            event: "contact_request.created";
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            expectedReplyBy: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @example CR-7K3F9Q */
            reference: string;
        };
        ContactRequestNoteResponse: {
            /** Format: uuid */
            authorId: string | null;
            /** @example Left a voicemail; will try again at 6 pm. */
            body: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
        };
        ContactRequestReceiptResponse: {
            /** @example If you are in crisis, call or text 988. */
            crisisNotice: string;
            /** Format: date-time */
            expectedReplyBy: string;
            /** @example We'll text you back by Monday 10:00 AM EST. */
            expectedReplyText: string;
            /** @example CR-7K3F9Q */
            reference: string;
            /** @enum {string} */
            status: "received";
        };
        /** @description `contact_request.reply_overdue`: a request is still `new` after the reply time it was promised. Once per request. */
        ContactRequestReplyOverdueEvent: {
            /** @enum {string} */
            channel: "text" | "call" | "email";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            contactRequestId: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            createdAt: string;
            /** @enum {string} */
            event: "contact_request.reply_overdue";
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            expectedReplyBy: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @example CR-7K3F9Q */
            reference: string;
        };
        ContactRequestResponse: {
            /** Format: uuid */
            assignedTo: string | null;
            channel: components["schemas"]["ContactChannel"];
            consentToText: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: email */
            email: string | null;
            /** Format: date-time */
            expectedReplyBy: string;
            history: components["schemas"]["StatusChangeResponse"][];
            /** Format: uuid */
            id: string;
            /** @example harbor-street */
            location: string | null;
            message: string | null;
            /** @example Alex Rivera */
            name: string;
            notes: components["schemas"]["ContactRequestNoteResponse"][];
            /** @example +14155552671 */
            phone: string | null;
            /** @example elena-marsh */
            preferredPractitioner: string | null;
            preferredTime: components["schemas"]["PreferredTime"] | (null);
            /** @example CR-7K3F9Q */
            reference: string;
            /** @example individual-therapy */
            serviceInterest: string | null;
            status: components["schemas"]["ContactRequestStatus"];
            /** Format: date-time */
            statusChangedAt: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        /** @enum {string} */
        ContactRequestStatus: "new" | "in_progress" | "contacted" | "closed" | "spam";
        ContactRequestSummaryResponse: {
            /** Format: uuid */
            assignedTo: string | null;
            channel: components["schemas"]["ContactChannel"];
            /** Format: date-time */
            createdAt: string;
            /** @example a•••@example.org */
            emailMasked: string | null;
            /** Format: date-time */
            expectedReplyBy: string;
            /** Format: uuid */
            id: string;
            /** @example harbor-street */
            location: string | null;
            /** @example Alex Rivera */
            name: string;
            /** @example +1 ••••••••71 */
            phoneMasked: string | null;
            /** @example elena-marsh */
            preferredPractitioner: string | null;
            preferredTime: components["schemas"]["PreferredTime"] | (null);
            /** @example CR-7K3F9Q */
            reference: string;
            /** @example individual-therapy */
            serviceInterest: string | null;
            status: components["schemas"]["ContactRequestStatus"];
            /** Format: date-time */
            updatedAt: string;
        };
        CoverImageInput: {
            /** @example A cup of tea on a windowsill in morning light */
            alt?: string;
            /** Format: uuid */
            mediaId?: string;
            /**
             * Format: uri
             * @description An external https image; required unless `mediaId` is given.
             * @example https://images.example.org/quiet-morning.jpg
             */
            url?: string;
        };
        CoverImageResponse: {
            /** @example A cup of tea on a windowsill in morning light */
            alt: string;
            /** @example https://images.example.org/quiet-morning.jpg */
            url: string;
        };
        CoverResponse: {
            /** @example A cup of tea on a windowsill in morning light */
            alt: string;
            /** @example 853 */
            height: number | null;
            /** Format: uuid */
            mediaId: string | null;
            srcset: components["schemas"]["CoverSrcsetResponse"] | (null);
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg */
            url: string;
            /** @example 1280 */
            width: number | null;
        };
        CoverSrcsetResponse: {
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w */
            avif: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w */
            jpeg: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w */
            webp: string;
        };
        CreateApiKeyRequest: {
            /**
             * Format: date-time
             * @description When the key stops working; must be in the future. Omit for a key that lasts until revoked. Years 1900 to 2200.
             * @example 2027-06-30T00:00:00Z
             */
            expiresAt?: string;
            /** @example Partner directory widget */
            name: string;
            /**
             * @description What the key may do: read a feed (`testimonials:read`), or `site`: the key of a server-rendered website, whose requests are rate limited per key (RATE_LIMIT_SITE_*) instead of per IP and whose relayed submissions are limited per visitor (named in X-Forwarded-For). Any other scope is 400: articles, operating hours and the directory are public reads that need no key (the former `articles:read` and `hours:read`, which no route checked, were removed, also from stored keys).
             * @example [
             *       "testimonials:read"
             *     ]
             */
            scopes: components["schemas"]["ApiKeyScope"][];
        };
        CreateArticleRequest: {
            author: components["schemas"]["AuthorInput"];
            /**
             * @default
             * @example Most of us speak to ourselves more harshly than to a friend.
             *
             *     ## Start small
             *
             *     Pause and notice.
             */
            body: string;
            /**
             * @example {
             *       "alt": "A cup of tea on a windowsill in morning light",
             *       "url": "https://images.example.org/quiet-morning.jpg"
             *     }
             */
            coverImage?: components["schemas"]["CoverImageInput"] | (null);
            /** @description Plain text. When absent or null, the opening of the body is used. */
            excerpt?: string | null;
            /** @description Null removes the review. */
            review?: components["schemas"]["ReviewInput"] | (null);
            seo?: components["schemas"]["SeoInput"] | (null);
            /** @example being-kind-to-yourself */
            slug?: string;
            /**
             * @description Up to 10 lowercase kebab-case tags of at most 40 characters.
             * @default []
             * @example [
             *       "self-compassion",
             *       "anxiety"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
        };
        CreateContactRequestRequest: {
            /**
             * @example true
             * @enum {boolean}
             */
            consentToContact: true;
            /** @example true */
            consentToText?: boolean;
            /**
             * Format: email
             * @example alex@example.org
             */
            email?: string;
            /**
             * @description The slug of a published location (see `GET /api/v1/locations`); an unknown or hidden one is 400 naming `location`.
             * @example harbor-street
             */
            location?: string;
            /**
             * @description Anything you want us to know.
             * @example I would like to talk to someone about anxiety. Evenings work best.
             */
            message?: string;
            /**
             * @description How we should address you.
             * @example Alex Rivera
             */
            name: string;
            /** @example (415) 555-2671 */
            phone?: string;
            /** @example text */
            preferredChannel: components["schemas"]["ContactChannel"];
            /**
             * @description The slug of a published practitioner (see `GET /api/v1/practitioners`); an unknown or hidden one is 400 naming `preferredPractitioner`.
             * @example elena-marsh
             */
            preferredPractitioner?: string;
            /** @example evening */
            preferredTime?: components["schemas"]["PreferredTime"];
            /**
             * @description The slug of a published service (see `GET /api/v1/services`); an unknown or hidden one is 400 naming `serviceInterest`. The five former fixed values (`individual-therapy`, `couples-therapy`, `family-therapy`, `group-therapy`, `other`) are taken even while hidden: they were public before services were records.
             * @example individual-therapy
             */
            serviceInterest?: string;
            /** @example  */
            website?: string | null;
        };
        CreatedApiKeyResponse: {
            /** Format: date-time */
            createdAt: string;
            /** @description Who created it; null for a key made without an account (a script). */
            createdBy: components["schemas"]["ApiKeyCreatorResponse"] | (null);
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            /** @example Partner directory widget */
            name: string;
            /**
             * @description The first characters of the secret.
             * @example wck_3kT9xQ2a
             */
            prefix: string;
            /** Format: date-time */
            revokedAt: string | null;
            scopes: components["schemas"]["ApiKeyScope"][];
            /**
             * @description The secret to send as X-API-Key. Shown only in this response.
             * @example wk_3q2Zs9VdR1pXo8LmN4tYb7cE0fGhJk6a
             */
            secret: string;
        };
        CreateLocationRequest: {
            /** @example Step-free entrance; lift to all floors. */
            accessibilityNotes?: string | null;
            address: components["schemas"]["AddressInput"];
            /**
             * Format: email
             * @example pearl@wellclinic.example
             */
            email?: string | null;
            geo?: components["schemas"]["GeoInput"] | (null);
            /**
             * @description The key of the operating-hours schedule that applies here (see `GET /api/v1/hours`).
             * @example office
             */
            hoursKey?: string | null;
            /** @example Pearl District office */
            name: string;
            /** @example Street parking; garage on 12th. */
            parkingNotes?: string | null;
            /** @example +15035550142 */
            phone?: string | null;
            photo?: components["schemas"]["PhotoInput"] | (null);
            /** @description Shown on the public website. Default false. */
            published?: boolean;
            /** @example pearl-district */
            slug: string;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
            /** @description No in-person visits here. Default false. */
            telehealthOnly?: boolean;
        };
        CreateNoteRequest: {
            /** @example Left a voicemail; will try again at 6 pm. */
            body: string;
        };
        CreatePractitionerRequest: {
            /** @description Default true. */
            acceptingNewClients?: boolean;
            /** @example Waitlist for evening slots. */
            acceptingNewClientsNote?: string | null;
            /**
             * @example [
             *       "CBT",
             *       "EMDR"
             *     ]
             */
            approaches?: string[];
            /**
             * @default
             * @example Maya works with couples and families through **big transitions**.
             */
            bio: string;
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials?: string[];
            /** @example Licensed Marriage and Family Therapist */
            jobTitle?: string | null;
            /**
             * @description BCP 47 tags.
             * @example [
             *       "en",
             *       "es-MX"
             *     ]
             */
            languages?: string[];
            /** @description Non-public ones are never shown publicly. */
            licenses?: components["schemas"]["LicenseInput"][];
            /**
             * @description Slugs of locations (see `GET /api/v1/locations`); an unknown one is refused.
             * @example [
             *       "harbor-street"
             *     ]
             */
            locations?: string[];
            /** @example Maya Lindqvist */
            name: string;
            photo?: components["schemas"]["PhotoInput"] | (null);
            /** @example she/her */
            pronouns?: string | null;
            /** @description Shown on the public website. Default false (hidden). */
            published?: boolean;
            /**
             * @description Slugs of services (see `GET /api/v1/services`); an unknown one is refused.
             * @example [
             *       "couples-therapy"
             *     ]
             */
            services?: string[];
            /** @example maya-lindqvist */
            slug: string;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
            /**
             * @example [
             *       "anxiety",
             *       "couples"
             *     ]
             */
            specialties?: string[];
            /** @description Offers telehealth sessions. Default false. */
            telehealth?: boolean;
        };
        CreateServiceRequest: {
            /**
             * @example [
             *       "couples"
             *     ]
             */
            audiences: components["schemas"]["ServiceAudience"][];
            /** @example For partners who want to **argue less** and understand each other more. */
            description: string;
            /** @description Null: no fee published ("ask us"). */
            fee?: components["schemas"]["FeeInput"] | (null);
            /**
             * @example [
             *       "in_person",
             *       "telehealth"
             *     ]
             */
            formats: components["schemas"]["ServiceFormat"][];
            /**
             * @example [
             *       "Aetna",
             *       "Blue Shield"
             *     ]
             */
            insuranceAccepted?: string[];
            /** @example Couples therapy */
            name: string;
            /** @description Shown on the public website. Default false. */
            published?: boolean;
            /**
             * @description Null: not stated.
             * @example 50
             */
            sessionLengthMinutes?: number | null;
            /** @example couples-therapy */
            slug: string;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
        };
        CreateTestimonialRequest: {
            consent: components["schemas"]["ConsentInput"];
            /** @description Shown before the others. Default false. */
            featured?: boolean;
            /** @example Ivette */
            firstName: string;
            /**
             * @description Only its first letter is kept: "Brennan" is stored as "B". Sending just the initial is best.
             * @example B
             */
            lastName: string;
            /** @example I finally feel heard. I leave every session lighter. */
            quote: string;
            /**
             * @description Stars, 1 to 5.
             * @example 5
             */
            rating?: number | null;
            /**
             * @description The slug of a service, published or hidden (a testimonial may be about a service not on the website yet); an unknown one is 400 naming `service`.
             * @example couples-therapy
             */
            service: string;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
            /** @example email */
            source: components["schemas"]["TestimonialSource"];
        };
        CreateUserRequest: {
            /** @example Dana Reyes */
            displayName: string;
            /**
             * Format: email
             * @example frontdesk@wellclinic.example
             */
            email: string;
            /**
             * @description At least 12 characters, not the email address, not a common password.
             * @example calm-harbor-lantern-42
             */
            password: string;
            /** @example frontdesk */
            role: components["schemas"]["Role"];
        };
        CreateWebhookEndpointRequest: {
            /** @description Default `true`. `false` pauses deliveries (they wait, and resume with `true`). */
            active?: boolean;
            /** @example CRM: new contact requests */
            description?: string | null;
            /**
             * @description The events to receive, or `["*"]` for all of them (including events added later).
             * @example [
             *       "contact_request.created"
             *     ]
             */
            events: components["schemas"]["WebhookEventFilter"][];
            /**
             * @description Where deliveries are POSTed: `https`, and a host that resolves to public addresses only (checked again at every connection). WEBHOOK_ALLOW_PRIVATE_TARGETS=true also allows `http` and internal addresses. Redirects are not followed.
             * @example https://crm.example.com/hooks/well-clinic
             */
            url: string;
        };
        DisableTotpRequest: {
            /** @example 492039 */
            code: string;
            /** @example the-current-passphrase */
            password: string;
        };
        ExceptionLabel: {
            /** @example Thanksgiving */
            label: string;
        };
        ExceptionRequest: {
            closed: boolean;
            /**
             * Format: date
             * @description Inclusive; defaults to `startDate`. Years 1900 to 2200.
             * @example 2026-12-26
             */
            endDate?: string;
            /** @example Christmas */
            label: string;
            /** @default [] */
            periods: components["schemas"]["TimeRangeDto"][];
            /**
             * Format: date
             * @description At most 730 days (about two years) after today in the schedule’s time zone. Years 1900 to 2200.
             * @example 2026-12-24
             */
            startDate: string;
        };
        ExceptionResponse: {
            closed: boolean;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date
             * @example 2026-12-26
             */
            endDate: string;
            /** Format: uuid */
            id: string;
            /** @example text-line */
            key: string;
            /** @example Christmas */
            label: string;
            periods: components["schemas"]["TimeRangeResponse"][];
            /**
             * Format: date
             * @example 2026-12-24
             */
            startDate: string;
            /** Format: date-time */
            updatedAt: string;
        };
        FeedTestimonialResponse: {
            /** Format: date-time */
            approvedAt: string;
            /** @example Ivette B */
            displayName: string;
            featured: boolean;
            /** Format: uuid */
            id: string;
            /** @example I finally feel heard. I leave every session lighter. */
            quote: string;
            /** @example 5 */
            rating: number | null;
            /** @example couples-therapy */
            service: string | null;
            /**
             * @description Lower first, after the featured ones.
             * @example 0
             */
            sortOrder: number;
        };
        FeeInput: {
            /**
             * @description ISO 4217, upper case.
             * @example USD
             */
            currency: string;
            /**
             * @description Not below min.
             * @example 180
             */
            max: number;
            /** @example 140 */
            min: number;
            /** @description Null: no sliding scale. */
            slidingScale?: components["schemas"]["SlidingScaleInput"] | (null);
        };
        FeeResponse: {
            /** @example USD */
            currency: string;
            /** @example 180 */
            max: number;
            /** @example 140 */
            min: number;
            slidingScale: components["schemas"]["SlidingScaleResponse"] | (null);
        };
        FieldError: {
            /** @example phone */
            field: string;
            /** @example phone must be a valid phone number */
            message: string;
        };
        GeoInput: {
            /** @example 45.5231 */
            latitude: number;
            /** @example -122.6765 */
            longitude: number;
        };
        GeoResponse: {
            /** @example 45.5231 */
            latitude: number;
            /** @example -122.6765 */
            longitude: number;
        };
        HealthCheckResponse: {
            /**
             * @description Every dependency checked.
             * @example {
             *       "database": {
             *         "responseTime": 12,
             *         "status": "up"
             *       }
             *     }
             */
            details: {
                [key: string]: components["schemas"]["HealthIndicatorResponse"];
            };
            /**
             * @description The dependencies that are down.
             * @example {}
             */
            error?: {
                [key: string]: components["schemas"]["HealthIndicatorResponse"];
            };
            /**
             * @description The dependencies that are up or degraded.
             * @example {
             *       "database": {
             *         "responseTime": 12,
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
                [key: string]: components["schemas"]["HealthIndicatorResponse"];
            };
            /**
             * @description `degraded` (still 200): a dependency that readiness does not require is impaired.
             * @example ok
             */
            status: components["schemas"]["HealthCheckStatus"];
        };
        /**
         * @description `degraded` (still 200): a dependency that readiness does not require is impaired.
         * @enum {string}
         */
        HealthCheckStatus: "ok" | "degraded" | "error" | "shutting_down";
        HealthIndicatorResponse: {
            /**
             * @description What is wrong, for a degraded dependency.
             * @example Redis does not answer: shared rate limits are degraded
             */
            message?: string;
            /**
             * @description How long the check took, in ms.
             * @example 12
             */
            responseTime?: number;
            /**
             * @description `degraded`: impaired but not failing readiness (Redis, which only shared rate limits need; email). `off`: not configured (email without SMTP_URL).
             * @example up
             */
            status: components["schemas"]["HealthIndicatorStatus"];
        };
        /**
         * @description `degraded`: impaired but not failing readiness (Redis, which only shared rate limits need; email). `off`: not configured (email without SMTP_URL).
         * @enum {string}
         */
        HealthIndicatorStatus: "up" | "degraded" | "down" | "off";
        /** @description `hours.changed`: a schedule or one of its exceptions was created, replaced, changed or deleted. */
        HoursChangedEvent: {
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            change: "schedule_created" | "schedule_replaced" | "schedule_deleted" | "exception_created" | "exception_updated" | "exception_deleted";
            /** @enum {string} */
            event: "hours.changed";
            /**
             * Format: uuid
             * @example null
             */
            exceptionId: string | null;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            scheduleId: string;
            /** @example text-line */
            scheduleKey: string;
        };
        HoursStatusResponse: {
            /** Format: date-time */
            at: string;
            /** @description `at` in the schedule’s time zone. */
            atLocal: components["schemas"]["LocalTime"];
            currentPeriod: components["schemas"]["ResolvedPeriodResponse"] | (null);
            exception: components["schemas"]["ExceptionLabel"] | (null);
            isOpen: boolean;
            /** @example text-line */
            key: string;
            /**
             * Format: date-time
             * @description When the current (or else the next) opening ends; null when that is not within 400 days (a schedule open around the clock).
             */
            nextClosesAt: string | null;
            /** @description `nextClosesAt` in the schedule’s time zone. */
            nextClosesAtLocal: components["schemas"]["LocalTime"] | (null);
            /**
             * Format: date-time
             * @description The next opening after `at`; null when there is none within 400 days.
             */
            nextOpensAt: string | null;
            /** @description `nextOpensAt` in the schedule’s time zone. */
            nextOpensAtLocal: components["schemas"]["LocalTime"] | (null);
            /** @example America/New_York */
            timeZone: string;
        };
        /** @enum {string} */
        ImageFormat: "jpeg" | "png" | "webp" | "avif";
        LicenseInput: {
            /** @example T1234 */
            number: string;
            /** @description Shown publicly (and in JSON-LD); otherwise staff only. */
            public: boolean;
            /**
             * @description Where it is valid: a state or other jurisdiction.
             * @example OR
             */
            state: string;
            /** @example LMFT */
            type: string;
        };
        LicenseResponse: {
            /** @example T1234 */
            number: string;
            /** @description Shown publicly. */
            public: boolean;
            /** @example OR */
            state: string;
            /** @example LMFT */
            type: string;
        };
        LivenessResponse: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
        LocalTime: {
            /**
             * Format: date
             * @example 2026-11-30
             */
            date: string;
            /** @example 09:00 */
            time: string;
        };
        LocationDetailResponse: {
            /** @example Step-free entrance; lift to all floors. */
            accessibilityNotes: string | null;
            address: components["schemas"]["AddressResponse"];
            /** @example pearl@wellclinic.example */
            email: string | null;
            geo: components["schemas"]["GeoResponse"] | (null);
            /** @example office */
            hoursKey: string | null;
            /**
             * @description schema.org `MedicalClinic` (address, geo, telephone, openingHoursSpecification from its schedule) as JSON text to place verbatim inside a script element of type `application/ld+json` (`<`, `>`, `&` escaped).
             * @example {"@context":"https://schema.org","@type":"MedicalClinic","name":"Pearl District office","address":{"@type":"PostalAddress","streetAddress":"1200 Harbor Street","addressLocality":"Portland","addressCountry":"US"}}
             */
            jsonLd: string;
            /** @example Pearl District office */
            name: string;
            /** @example Street parking; garage on 12th. */
            parkingNotes: string | null;
            /** @example +15035550142 */
            phone: string | null;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /** @example pearl-district */
            slug: string;
            telehealthOnly: boolean;
        };
        LocationResponse: {
            /** @example Step-free entrance; lift to all floors. */
            accessibilityNotes: string | null;
            address: components["schemas"]["AddressResponse"];
            /** @example pearl@wellclinic.example */
            email: string | null;
            geo: components["schemas"]["GeoResponse"] | (null);
            /** @example office */
            hoursKey: string | null;
            /** @example Pearl District office */
            name: string;
            /** @example Street parking; garage on 12th. */
            parkingNotes: string | null;
            /** @example +15035550142 */
            phone: string | null;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /** @example pearl-district */
            slug: string;
            telehealthOnly: boolean;
        };
        LoginRequest: {
            /**
             * Format: email
             * @example admin@example.com
             */
            email: string;
            /** @example the password */
            password: string;
        };
        LoginResponse: {
            /**
             * @description Send as `Authorization: Bearer <accessToken>`.
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl
             */
            accessToken: string;
            /**
             * @description Seconds until the access token expires.
             * @example 900
             */
            expiresIn: number;
            /**
             * @description Opaque, single use: `POST /api/v1/auth/refresh` exchanges it for a new pair, `POST /api/v1/auth/logout` ends the session. Keep it out of reach of scripts.
             * @example wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo
             */
            refreshToken: string;
            /**
             * Format: date-time
             * @description When the session ends unless refreshed before (REFRESH_TOKEN_TTL, at most SESSION_MAX_AGE).
             */
            refreshTokenExpiresAt: string;
            /**
             * Format: uuid
             * @description The session these tokens belong to (see `GET /api/v1/auth/sessions`).
             */
            sessionId: string;
            /** @enum {string} */
            tokenType: "Bearer";
            user: components["schemas"]["UserResponse"];
        };
        MediaDetailResponse: {
            /** @example A quiet consulting room with two armchairs and a window onto a garden */
            alt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            createdBy: string | null;
            /** @example jpeg */
            format: components["schemas"]["ImageFormat"];
            /** @example 2667 */
            height: number;
            /** Format: uuid */
            id: string;
            original: components["schemas"]["MediaFileResponse"];
            srcset: components["schemas"]["MediaSrcsetResponse"];
            /** Format: date-time */
            updatedAt: string;
            /** Format: uuid */
            updatedBy: string | null;
            /** @example 3481022 */
            uploadBytes: number;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg */
            url: string;
            /**
             * @example {
             *       "articles": [
             *         "being-kind-to-yourself"
             *       ]
             *     }
             */
            usages: {
                [key: string]: string[];
            };
            variants: components["schemas"]["MediaFileResponse"][];
            /** @example 1 */
            version: number;
            /** @example 4000 */
            width: number;
        };
        MediaFileResponse: {
            /** @example 94210 */
            bytes: number;
            /** @example webp */
            format: components["schemas"]["ImageFormat"];
            /** @example 853 */
            height: number;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp */
            url: string;
            /** @example 1280 */
            width: number;
        };
        MediaResponse: {
            /** @example A quiet consulting room with two armchairs and a window onto a garden */
            alt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            createdBy: string | null;
            /** @example jpeg */
            format: components["schemas"]["ImageFormat"];
            /** @example 2667 */
            height: number;
            /** Format: uuid */
            id: string;
            original: components["schemas"]["MediaFileResponse"];
            srcset: components["schemas"]["MediaSrcsetResponse"];
            /** Format: date-time */
            updatedAt: string;
            /** Format: uuid */
            updatedBy: string | null;
            /** @example 3481022 */
            uploadBytes: number;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg */
            url: string;
            variants: components["schemas"]["MediaFileResponse"][];
            /** @example 1 */
            version: number;
            /** @example 4000 */
            width: number;
        };
        MediaSrcsetResponse: {
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.avif 640w */
            avif: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg 640w */
            jpeg: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.webp 640w */
            webp: string;
        };
        MfaChallengeResponse: {
            /**
             * @description Send it with a code to `POST /api/v1/auth/login/mfa` within 5 minutes.
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl
             */
            challengeToken: string;
            /** @enum {boolean} */
            mfaRequired: true;
        };
        MfaLoginRequest: {
            /**
             * @description From `POST /api/v1/auth/login` (valid 5 minutes).
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl
             */
            challengeToken: string;
            /**
             * @description Either this or `recoveryCode`.
             * @example 492039
             */
            code?: string;
            /**
             * @description One of the recovery codes shown at enrolment, instead of `code`; each works once.
             * @example k7wm-3fq2-x9tb-hn4c
             */
            recoveryCode?: string;
        };
        NotificationDeliveryResponse: {
            /**
             * @description Attempts made so far.
             * @example 2
             */
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            deliveredAt: string | null;
            /**
             * Format: uuid
             * @description The endpoint it goes to (null: written before endpoints existed, for a URL no longer configured).
             */
            endpointId: string | null;
            /** Format: uuid */
            entityId: string | null;
            /** @example contact_request.created */
            event: string;
            /**
             * Format: date-time
             * @description Retries stop at this instant.
             */
            giveUpAt: string;
            /**
             * Format: uuid
             * @description The message id: sent as `webhook-id` on every attempt and redelivery (and as `X-Delivery-Id` to endpoints made from NOTIFY_WEBHOOK_URLS).
             */
            id: string;
            /** Format: date-time */
            lastAttemptAt: string | null;
            /**
             * @description How long the last attempt took, in milliseconds, until the status line or the error.
             * @example 182
             */
            lastDurationMs: number | null;
            /**
             * @description Why the last attempt failed: `HTTP <status>` or a network error code such as `ECONNREFUSED`.
             * @example HTTP 503
             */
            lastError: string | null;
            /**
             * @description HTTP status of the last attempt.
             * @example 503
             */
            lastStatus: number | null;
            /**
             * Format: date-time
             * @description Only while pending.
             */
            nextAttemptAt: string | null;
            /**
             * @description The JSON body sent (ids and codes only, never personal data).
             * @example {
             *       "channel": "text",
             *       "event": "contact_request.created",
             *       "id": "3f0c…",
             *       "reference": "WC-7K2M9Q"
             *     }
             */
            payload: {
                [key: string]: unknown;
            };
            status: components["schemas"]["NotificationDeliveryStatus"];
            /**
             * @description Where the last attempt went (before any, the endpoint's URL), without query string or credentials.
             * @example https://crm.example.com/hooks/well-clinic
             */
            url: string;
        };
        /** @enum {string} */
        NotificationDeliveryStatus: "pending" | "delivered" | "failed";
        NotificationPreferencesResponse: {
            /** @example true */
            apiKeysOfDeletedUser: boolean;
            /** @example true */
            newContactRequest: boolean;
            /** @example true */
            replyOverdue: boolean;
            /** @example false */
            webhookEndpointDisabled: boolean;
        };
        PageMeta: {
            /** @example 1 */
            page: number;
            /** @example 20 */
            pageSize: number;
            /** @example 57 */
            total: number;
            /** @example 3 */
            totalPages: number;
        };
        PasswordResetConfirmRequest: {
            /**
             * @description At least 12 characters, not the email address, not a common password.
             * @example calm-harbor-lantern-42
             */
            password: string;
            /**
             * @description From the link in the email (`?token=`).
             * @example wcp_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo
             */
            token: string;
        };
        PasswordResetRequest: {
            /**
             * Format: email
             * @example dana@wellclinic.example
             */
            email: string;
        };
        PhotoInput: {
            /**
             * @description What the picture shows, for screen readers. Left out or null: the media item's alt is shown (and follows its edits).
             * @example Maya Lindqvist smiling in a sunlit consulting room
             */
            alt?: string | null;
            /**
             * Format: uuid
             * @description A media library item (`/api/v1/admin/media`); one that does not exist is refused.
             */
            mediaId: string;
        };
        PhotoResponse: {
            /** @example Maya Lindqvist smiling in a sunlit consulting room */
            alt: string;
            /** @example 800 */
            height: number;
            /** Format: uuid */
            mediaId: string;
            srcset: components["schemas"]["PhotoSrcsetResponse"];
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg */
            url: string;
            /**
             * @description Of the image at `url`.
             * @example 640
             */
            width: number;
        };
        PhotoSrcsetResponse: {
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w */
            avif: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w */
            jpeg: string;
            /** @example /media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w */
            webp: string;
        };
        PractitionerDetailResponse: {
            acceptingNewClients: boolean;
            /** @example Waitlist for evening slots. */
            acceptingNewClientsNote: string | null;
            /**
             * @example [
             *       "EFT",
             *       "Gottman Method"
             *     ]
             */
            approaches: string[];
            /** @example Maya works with couples and families through **big transitions**. */
            bio: string;
            /** @example <p>Maya works with couples and families through <strong>big transitions</strong>.</p> */
            bioHtml: string;
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials: string[];
            /** @example Licensed Marriage and Family Therapist */
            jobTitle: string | null;
            /**
             * @description schema.org `Person` (jobTitle, knowsLanguage, hasCredential, worksFor) as JSON text to place verbatim inside a script element of type `application/ld+json` (`<`, `>`, `&` escaped).
             * @example {"@context":"https://schema.org","@type":"Person","name":"Maya Lindqvist","knowsLanguage":["en"]}
             */
            jsonLd: string;
            /**
             * @example [
             *       "en",
             *       "sv"
             *     ]
             */
            languages: string[];
            licenses: components["schemas"]["PublicLicenseResponse"][];
            /**
             * @example [
             *       "harbor-street"
             *     ]
             */
            locations: string[];
            /** @example Maya Lindqvist */
            name: string;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /** @example she/her */
            pronouns: string | null;
            /**
             * @example [
             *       "couples-therapy"
             *     ]
             */
            services: string[];
            /** @example maya-lindqvist */
            slug: string;
            /**
             * @example [
             *       "anxiety",
             *       "couples"
             *     ]
             */
            specialties: string[];
            telehealth: boolean;
        };
        PractitionerResponse: {
            acceptingNewClients: boolean;
            /** @example Waitlist for evening slots. */
            acceptingNewClientsNote: string | null;
            /**
             * @example [
             *       "EFT",
             *       "Gottman Method"
             *     ]
             */
            approaches: string[];
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials: string[];
            /** @example Licensed Marriage and Family Therapist */
            jobTitle: string | null;
            /**
             * @example [
             *       "en",
             *       "sv"
             *     ]
             */
            languages: string[];
            /**
             * @example [
             *       "harbor-street"
             *     ]
             */
            locations: string[];
            /** @example Maya Lindqvist */
            name: string;
            photo: components["schemas"]["PhotoResponse"] | (null);
            /** @example she/her */
            pronouns: string | null;
            /**
             * @example [
             *       "couples-therapy"
             *     ]
             */
            services: string[];
            /** @example maya-lindqvist */
            slug: string;
            /**
             * @example [
             *       "anxiety",
             *       "couples"
             *     ]
             */
            specialties: string[];
            telehealth: boolean;
        };
        /** @enum {string} */
        PreferredTime: "morning" | "afternoon" | "evening" | "any";
        /** @enum {string} */
        ProblemCode: "bad_request" | "validation_failed" | "malformed_json" | "unauthorized" | "forbidden" | "mfa_enrolment_required" | "not_found" | "method_not_allowed" | "not_acceptable" | "request_timeout" | "conflict" | "last_admin" | "media_in_use" | "invalid_transition" | "gone" | "precondition_failed" | "payload_too_large" | "unsupported_media_type" | "expectation_failed" | "unprocessable_entity" | "rate_limited" | "headers_too_large" | "internal_error" | "not_implemented" | "bad_gateway" | "service_unavailable" | "database_unavailable" | "gateway_timeout";
        ProblemDetails: {
            /** @example validation_failed */
            code: components["schemas"]["ProblemCode"];
            /** @example 1 field is invalid */
            detail: string;
            /**
             * @description Present when `errors` had to leave some out: how many errors were found. Validation stops early on input with that many problems (thousands of unknown members, say), so the request may have more.
             * @example 30000
             */
            errorCount?: number;
            /** @description Present on validation_failed: at most the first 50 errors found. */
            errors?: components["schemas"]["FieldError"][];
            /**
             * @description The request path (without query string).
             * @example /api/v1/contact-requests
             */
            instance: string;
            /**
             * @description Same value as the X-Request-Id header.
             * @example 5b0f3c1e-9a8e-4a57-8f3e-1c2d3e4f5a6b
             */
            requestId: string;
            /** @example 400 */
            status: number;
            /** @example Validation failed */
            title: string;
            /** @example /problems/validation-failed */
            type: string;
        };
        PublicLicenseResponse: {
            /** @example T1234 */
            number: string;
            /** @example OR */
            state: string;
            /** @example LMFT */
            type: string;
        };
        PublishArticleRequest: {
            /**
             * Format: date-time
             * @description When the article goes (or went) live; now when absent. A future instant schedules it. Years 1900 to 2200.
             * @example 2026-12-24T17:00:00Z
             */
            publishedAt?: string;
        };
        PutScheduleRequest: {
            /** @example When we answer "Send us a text!" messages. */
            description?: string | null;
            /** @example Text line */
            name: string;
            periods: components["schemas"]["WeeklyPeriodDto"][];
            /**
             * @description IANA time zone name.
             * @example America/New_York
             */
            timeZone: string;
        };
        RecoveryCodesResponse: {
            /**
             * @description Shown this once: each signs in once in place of a code. Keep them somewhere safe, offline.
             * @example [
             *       "k7wm-3fq2-x9tb-hn4c",
             *       "p2rd-8vxe-m4ka-t6yj",
             *       "w9cs-5nbq-2hzf-r3ue",
             *       "a6tm-y8pk-4jwd-e7sx",
             *       "h3qv-c9ra-6mfu-n2bk",
             *       "z5ex-t2jh-8wcp-q4dm",
             *       "u7fb-k3ns-9yaq-v6re",
             *       "d4wh-r6mx-3kbt-j8pz",
             *       "g8ya-n5cv-7qes-b2wk",
             *       "m6jt-e4pr-5xhd-s9fa"
             *     ]
             */
            recoveryCodes: string[];
        };
        RefreshTokenRequest: {
            /** @example wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo */
            refreshToken: string;
        };
        ReorderTestimonialsRequest: {
            items: components["schemas"]["SortOrderItem"][];
        };
        ResolvedPeriodResponse: {
            /**
             * @description Local time.
             * @example 21:00
             */
            closes: string;
            /** Format: date-time */
            closesAt: string;
            /**
             * @description Local time.
             * @example 09:00
             */
            opens: string;
            /** Format: date-time */
            opensAt: string;
        };
        ReviewInput: {
            /**
             * @description The practitioner who reviewed it, by their current slug (absent or null: none); an unknown slug is 400.
             * @example samuel-okafor
             */
            practitioner?: string | null;
            /**
             * Format: date
             * @description The day of the review. Years 1900 to 2200.
             * @example 2026-11-02
             */
            reviewedAt: string;
            /** @example Dr. Samuel Okafor, PsyD */
            reviewedBy: string;
        };
        ReviewResponse: {
            /**
             * Format: date
             * @example 2026-11-02
             */
            reviewedAt: string;
            /** @example Dr. Samuel Okafor, PsyD */
            reviewedBy: string;
            /** @example samuel-okafor */
            slug: string | null;
        };
        RevisionActorResponse: {
            /** Format: uuid */
            id: string | null;
            /** @enum {string} */
            type: "user" | "api_key" | "system" | "anonymous";
        };
        RevisionAuthorResponse: {
            /** @example LMFT */
            credentials: string | null;
            /** @example Maya Lindqvist */
            name: string;
            /** Format: uuid */
            practitionerId: string | null;
        };
        RevisionCoverMediaResponse: {
            alt: string | null;
            /** Format: uuid */
            mediaId: string;
        };
        RevisionFieldsResponse: {
            author: components["schemas"]["RevisionAuthorResponse"];
            /** @example Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step. */
            body: string;
            coverImage: components["schemas"]["CoverImageResponse"] | (null);
            coverMedia: components["schemas"]["RevisionCoverMediaResponse"] | (null);
            excerpt: string | null;
            review: components["schemas"]["RevisionReviewResponse"] | (null);
            seo: components["schemas"]["SeoOverridesResponse"] | (null);
            /** @example being-kind-to-yourself */
            slug: string;
            /**
             * @example [
             *       "self-compassion"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
        };
        RevisionReviewResponse: {
            /** Format: uuid */
            practitionerId: string | null;
            /**
             * Format: date
             * @example 2026-11-02
             */
            reviewedAt: string;
            /** @example Dr. Samuel Okafor, PsyD */
            reviewedBy: string;
        };
        /** @enum {string} */
        Role: "admin" | "editor" | "frontdesk";
        ScheduleResponse: {
            /** Format: date-time */
            createdAt: string;
            description: string | null;
            /** @description Exceptions from today through the next 90 days. */
            exceptions: components["schemas"]["ExceptionResponse"][];
            /** Format: uuid */
            id: string;
            /** @example text-line */
            key: string;
            /** @example Text line */
            name: string;
            periods: components["schemas"]["WeeklyPeriodResponse"][];
            /** @example America/New_York */
            timeZone: string;
            /** Format: date-time */
            updatedAt: string;
        };
        SearchContactRequestsRequest: {
            channel?: components["schemas"]["ContactChannel"];
            /**
             * Format: email
             * @example alex@example.org
             */
            email?: string;
            /**
             * Format: date-time
             * @description Received at or after this instant. Years 1900 to 2200.
             * @example 2026-12-24T17:00:00Z
             */
            from?: string;
            /**
             * @description Named this location (its slug).
             * @example harbor-street
             */
            location?: string;
            /**
             * @description Page number, starting at 1.
             * @default 1
             */
            page: number;
            /**
             * @description Items per page.
             * @default 20
             */
            pageSize: number;
            /** @example +14155552671 */
            phone?: string;
            /**
             * @description Asked for this practitioner.
             * @example elena-marsh
             */
            preferredPractitioner?: string;
            /**
             * @description Asked about this service (its slug).
             * @example individual-therapy
             */
            serviceInterest?: string;
            status?: components["schemas"]["ContactRequestStatus"];
            /**
             * Format: date-time
             * @description Received at or before this instant. Years 1900 to 2200.
             * @example 2026-12-24T17:00:00Z
             */
            to?: string;
        };
        SeoInput: {
            description?: string | null;
            /** @example Self-compassion: a practical guide */
            title?: string | null;
        };
        SeoOverridesResponse: {
            description: string | null;
            title: string | null;
        };
        SeoResponse: {
            /** @example Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step. */
            description: string;
            /** @example Being Kind to Yourself on Hard Days */
            title: string;
        };
        /** @enum {string} */
        ServiceAudience: "individuals" | "couples" | "families" | "groups" | "children" | "teens" | "adults" | "seniors";
        ServiceDetailResponse: {
            /**
             * @example [
             *       "couples"
             *     ]
             */
            audiences: components["schemas"]["ServiceAudience"][];
            /** @example For partners who want to **argue less** and understand each other more. */
            description: string;
            /** @example <p>For partners who want to <strong>argue less</strong> and understand each other more.</p> */
            descriptionHtml: string;
            fee: components["schemas"]["FeeResponse"] | (null);
            /**
             * @example [
             *       "in_person"
             *     ]
             */
            formats: components["schemas"]["ServiceFormat"][];
            /**
             * @example [
             *       "Aetna",
             *       "Blue Shield"
             *     ]
             */
            insuranceAccepted: string[];
            /** @example Couples therapy */
            name: string;
            practitioners: components["schemas"]["ServicePractitionerResponse"][];
            /** @example 50 */
            sessionLengthMinutes: number | null;
            /** @example couples-therapy */
            slug: string;
        };
        /** @enum {string} */
        ServiceFormat: "in_person" | "telehealth";
        ServicePractitionerResponse: {
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials: string[];
            /** @example Elena Marsh */
            name: string;
            /** @example elena-marsh */
            slug: string;
        };
        ServiceResponse: {
            /**
             * @example [
             *       "couples"
             *     ]
             */
            audiences: components["schemas"]["ServiceAudience"][];
            /** @example For partners who want to **argue less** and understand each other more. */
            description: string;
            /** @example <p>For partners who want to <strong>argue less</strong> and understand each other more.</p> */
            descriptionHtml: string;
            fee: components["schemas"]["FeeResponse"] | (null);
            /**
             * @example [
             *       "in_person"
             *     ]
             */
            formats: components["schemas"]["ServiceFormat"][];
            /**
             * @example [
             *       "Aetna",
             *       "Blue Shield"
             *     ]
             */
            insuranceAccepted: string[];
            /** @example Couples therapy */
            name: string;
            /** @example 50 */
            sessionLengthMinutes: number | null;
            /** @example couples-therapy */
            slug: string;
        };
        SessionResponse: {
            /**
             * Format: date-time
             * @description The sign-in.
             */
            createdAt: string;
            /** @description The session of the token this request was made with. */
            current: boolean;
            /**
             * @description From the User-Agent: browser and system.
             * @example Firefox on Linux
             */
            device: string;
            /** Format: date-time */
            expiresAt: string;
            /** Format: uuid */
            id: string;
            /**
             * @description The network (IPv4 /24, IPv6 /48), never the address.
             * @example 192.0.2.0/24
             */
            ipPrefix: string | null;
            /**
             * Format: date-time
             * @description The sign-in or the last refresh.
             */
            lastUsedAt: string;
        };
        SlidingScaleInput: {
            /**
             * @description The lowest fee on the scale; not above fee.min.
             * @example 60
             */
            min: number;
            /** @example Ask us: we set the fee with you by income. */
            note?: string | null;
        };
        SlidingScaleResponse: {
            /** @example 60 */
            min: number;
            /** @example Ask us: we set the fee with you by income. */
            note: string | null;
        };
        SnapshotMeta: {
            /** @example WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0 */
            nextCursor: string;
            /** @example 3 */
            total: number;
        };
        SortOrderItem: {
            /** Format: uuid */
            id: string;
            /** @example 10 */
            sortOrder: number;
        };
        StatusChangeResponse: {
            /** Format: date-time */
            changedAt: string;
            /** Format: uuid */
            changedBy: string | null;
            fromStatus: components["schemas"]["ContactRequestStatus"] | (null);
            toStatus: components["schemas"]["ContactRequestStatus"];
        };
        SubmitTestimonialRequest: {
            /**
             * @example true
             * @enum {boolean}
             */
            consent: true;
            /**
             * @description The version of the consent wording the visitor agreed to.
             * @example 2026-01
             */
            consentTextVersion: string;
            /** @example Ivette */
            firstName: string;
            /**
             * @description Only its first letter is kept: "Brennan" is stored as "B". Sending just the initial is best.
             * @example B
             */
            lastName: string;
            /** @example I finally feel heard. I leave every session lighter. */
            quote: string;
            /**
             * @description Stars, 1 to 5.
             * @example 5
             */
            rating?: number | null;
            /**
             * @description The slug of a published service (see `GET /api/v1/services`); an unknown or hidden one is 400 naming `service`, except the five former fixed values (`individual-therapy`, `couples-therapy`, `family-therapy`, `group-therapy`, `other`), taken even while hidden: they were public before services were records. Unknown when absent.
             * @example couples-therapy
             */
            service?: string;
            /** @example  */
            website?: string | null;
        };
        TagCountResponse: {
            /** @example 3 */
            count: number;
            /** @example self-compassion */
            tag: string;
        };
        /** @description `testimonial.approved`: a testimonial became public. */
        TestimonialApprovedEvent: {
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            approvedAt: string;
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "testimonial.approved";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            testimonialId: string;
            /** @example 2 */
            version: number;
        };
        /** @enum {string} */
        TestimonialChangeOp: "upsert" | "delete";
        TestimonialChangeResponse: {
            /** Format: date-time */
            changedAt: string;
            /** Format: uuid */
            id: string;
            op: components["schemas"]["TestimonialChangeOp"];
            /** @example 42 */
            seq: number;
            testimonial?: components["schemas"]["FeedTestimonialResponse"];
        };
        TestimonialChangesResponse: {
            data: components["schemas"]["TestimonialChangeResponse"][];
            meta: components["schemas"]["ChangeFeedMeta"];
        };
        TestimonialResponse: {
            /** Format: date-time */
            approvedAt: string;
            /** @example Ivette B */
            displayName: string;
            featured: boolean;
            /** Format: uuid */
            id: string;
            /** @example I finally feel heard. I leave every session lighter. */
            quote: string;
            /** @example 5 */
            rating: number | null;
            /** @example couples-therapy */
            service: string | null;
        };
        TestimonialSnapshotResponse: {
            data: components["schemas"]["FeedTestimonialResponse"][];
            meta: components["schemas"]["SnapshotMeta"];
        };
        /** @enum {string} */
        TestimonialSource: "website" | "email" | "in-person" | "other";
        /** @enum {string} */
        TestimonialStatus: "pending" | "approved" | "rejected" | "withdrawn";
        TestimonialSubmissionResponse: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "pending";
        };
        /** @description `testimonial.unpublished`: a public testimonial stopped being public: rejected after its approval, or deleted. Front ends drop it; ones that were never public do not emit it (withdrawal emits `testimonial.withdrawn`). */
        TestimonialUnpublishedEvent: {
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "testimonial.unpublished";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /** @enum {string} */
            reason: "rejected" | "deleted";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            testimonialId: string;
            /** @example 2 */
            version: number;
        };
        /** @description `testimonial.updated`: what the public sees of an approved testimonial changed (an edit, a new order). Edits of pending or rejected ones do not emit it. */
        TestimonialUpdatedEvent: {
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "testimonial.updated";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            testimonialId: string;
            /** @example 2 */
            version: number;
        };
        /** @description `testimonial.withdrawn`: the client withdrew consent; its words and name are erased. Partners holding a copy delete it. */
        TestimonialWithdrawnEvent: {
            /**
             * @example [
             *       "articles",
             *       "article:0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
             *     ]
             */
            cacheTags: string[];
            /** @enum {string} */
            event: "testimonial.withdrawn";
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            id: string;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            occurredAt: string;
            /**
             * Format: uuid
             * @example 0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21
             */
            testimonialId: string;
            /** @example 2 */
            version: number;
            wasPublic: boolean;
            /**
             * Format: date-time
             * @example 2026-03-02T09:30:00.000Z
             */
            withdrawnAt: string;
        };
        TimeRangeDto: {
            /** @example 21:00 */
            closes: string;
            /** @example 09:00 */
            opens: string;
        };
        TimeRangeResponse: {
            /** @example 21:00 */
            closes: string;
            /** @example 09:00 */
            opens: string;
        };
        TocEntryResponse: {
            /** @example start-small */
            id: string;
            /** @enum {number} */
            level: 2 | 3;
            /** @example Start small */
            text: string;
        };
        TotpEnrolmentResponse: {
            /**
             * @description Show as a QR code for the authenticator app.
             * @example otpauth://totp/Well%20Clinic:dana%40wellclinic.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Well%20Clinic
             */
            otpauthUri: string;
            /**
             * @description Base32; type it into the authenticator app if the QR code cannot be scanned.
             * @example JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
             */
            secret: string;
        };
        UpdateArticleRequest: {
            author?: components["schemas"]["AuthorInput"];
            /**
             * @default
             * @example Most of us speak to ourselves more harshly than to a friend.
             *
             *     ## Start small
             *
             *     Pause and notice.
             */
            body: string;
            /**
             * @example {
             *       "alt": "A cup of tea on a windowsill in morning light",
             *       "url": "https://images.example.org/quiet-morning.jpg"
             *     }
             */
            coverImage?: components["schemas"]["CoverImageInput"] | (null);
            /** @description Plain text. When absent or null, the opening of the body is used. */
            excerpt?: string | null;
            /** @description Null removes the review. */
            review?: components["schemas"]["ReviewInput"] | (null);
            seo?: components["schemas"]["SeoInput"] | (null);
            /** @example being-kind-to-yourself */
            slug?: string;
            /**
             * @description Up to 10 lowercase kebab-case tags of at most 40 characters.
             * @default []
             * @example [
             *       "self-compassion",
             *       "anxiety"
             *     ]
             */
            tags: string[];
            /** @example Being Kind to Yourself on Hard Days */
            title?: string;
        };
        UpdateContactRequestRequest: {
            /**
             * Format: uuid
             * @description An active staff member; null unassigns.
             */
            assignedTo?: string | null;
            /** @description new → in_progress → contacted → closed; any status → spam. */
            status?: components["schemas"]["ContactRequestStatus"];
        };
        UpdateExceptionRequest: {
            closed?: boolean;
            /**
             * Format: date
             * @description Inclusive; defaults to `startDate`. Years 1900 to 2200.
             * @example 2026-12-26
             */
            endDate?: string;
            /** @example Christmas */
            label?: string;
            /** @default [] */
            periods: components["schemas"]["TimeRangeDto"][];
            /**
             * Format: date
             * @description At most 730 days (about two years) after today in the schedule’s time zone. Years 1900 to 2200.
             * @example 2026-12-24
             */
            startDate?: string;
        };
        UpdateLocationRequest: {
            /** @example Step-free entrance; lift to all floors. */
            accessibilityNotes?: string | null;
            address?: components["schemas"]["AddressInput"];
            /**
             * Format: email
             * @example pearl@wellclinic.example
             */
            email?: string | null;
            geo?: components["schemas"]["GeoInput"] | (null);
            /**
             * @description The key of the operating-hours schedule that applies here (see `GET /api/v1/hours`).
             * @example office
             */
            hoursKey?: string | null;
            /** @example Pearl District office */
            name?: string;
            /** @example Street parking; garage on 12th. */
            parkingNotes?: string | null;
            /** @example +15035550142 */
            phone?: string | null;
            photo?: components["schemas"]["PhotoInput"] | (null);
            /** @description Shown on the public website. Default false. */
            published?: boolean;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
            /** @description No in-person visits here. Default false. */
            telehealthOnly?: boolean;
        };
        UpdateMediaRequest: {
            /**
             * @description What the picture shows, for screen readers (required: describe it as you would over the phone).
             * @example A quiet consulting room with two armchairs and a window onto a garden
             */
            alt: string;
        };
        UpdateNotificationPreferencesRequest: {
            /** @example true */
            apiKeysOfDeletedUser?: boolean;
            /** @example true */
            newContactRequest?: boolean;
            /** @example true */
            replyOverdue?: boolean;
            /** @example false */
            webhookEndpointDisabled?: boolean;
        };
        UpdatePractitionerRequest: {
            /** @description Default true. */
            acceptingNewClients?: boolean;
            /** @example Waitlist for evening slots. */
            acceptingNewClientsNote?: string | null;
            /**
             * @example [
             *       "CBT",
             *       "EMDR"
             *     ]
             */
            approaches?: string[];
            /**
             * @default
             * @example Maya works with couples and families through **big transitions**.
             */
            bio: string;
            /**
             * @example [
             *       "LMFT"
             *     ]
             */
            credentials?: string[];
            /** @example Licensed Marriage and Family Therapist */
            jobTitle?: string | null;
            /**
             * @description BCP 47 tags.
             * @example [
             *       "en",
             *       "es-MX"
             *     ]
             */
            languages?: string[];
            /** @description Non-public ones are never shown publicly. */
            licenses?: components["schemas"]["LicenseInput"][];
            /**
             * @description Slugs of locations (see `GET /api/v1/locations`); an unknown one is refused.
             * @example [
             *       "harbor-street"
             *     ]
             */
            locations?: string[];
            /** @example Maya Lindqvist */
            name?: string;
            photo?: components["schemas"]["PhotoInput"] | (null);
            /** @example she/her */
            pronouns?: string | null;
            /** @description Shown on the public website. Default false (hidden). */
            published?: boolean;
            /**
             * @description Slugs of services (see `GET /api/v1/services`); an unknown one is refused.
             * @example [
             *       "couples-therapy"
             *     ]
             */
            services?: string[];
            /** @example maya-lindqvist */
            slug?: string;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
            /**
             * @example [
             *       "anxiety",
             *       "couples"
             *     ]
             */
            specialties?: string[];
            /** @description Offers telehealth sessions. Default false. */
            telehealth?: boolean;
        };
        UpdateServiceRequest: {
            /**
             * @example [
             *       "couples"
             *     ]
             */
            audiences?: components["schemas"]["ServiceAudience"][];
            /** @example For partners who want to **argue less** and understand each other more. */
            description?: string;
            /** @description Null: no fee published ("ask us"). */
            fee?: components["schemas"]["FeeInput"] | (null);
            /**
             * @example [
             *       "in_person",
             *       "telehealth"
             *     ]
             */
            formats?: components["schemas"]["ServiceFormat"][];
            /**
             * @example [
             *       "Aetna",
             *       "Blue Shield"
             *     ]
             */
            insuranceAccepted?: string[];
            /** @example Couples therapy */
            name?: string;
            /** @description Shown on the public website. Default false. */
            published?: boolean;
            /**
             * @description Null: not stated.
             * @example 50
             */
            sessionLengthMinutes?: number | null;
            /** @description Lower first. Default 0. */
            sortOrder?: number;
        };
        UpdateTestimonialRequest: {
            featured?: boolean;
            /** @example Ivette */
            firstName?: string;
            /**
             * @description Only its first letter is kept: "Brennan" is stored as "B". Sending just the initial is best.
             * @example B
             */
            lastName?: string;
            /** @example I finally feel heard. I leave every session lighter. */
            quote?: string;
            /**
             * @description Stars, 1 to 5.
             * @example 5
             */
            rating?: number | null;
            /**
             * @description The slug of a service, published or hidden (a testimonial may be about a service not on the website yet); an unknown one is 400 naming `service`. Unchanged when absent.
             * @example couples-therapy
             */
            service?: string;
            sortOrder?: number;
        };
        UpdateUserRequest: {
            active?: boolean;
            /** @example Dana Reyes */
            displayName?: string;
            /**
             * @description At least 12 characters, not the email address, not a common password.
             * @example calm-harbor-lantern-42
             */
            password?: string;
            /** @example frontdesk */
            role?: components["schemas"]["Role"];
        };
        UpdateWebhookEndpointRequest: {
            /** @description Default `true`. `false` pauses deliveries (they wait, and resume with `true`). */
            active?: boolean;
            /** @example CRM: new contact requests */
            description?: string | null;
            /**
             * @description The events to receive, or `["*"]` for all of them (including events added later).
             * @example [
             *       "contact_request.created"
             *     ]
             */
            events?: components["schemas"]["WebhookEventFilter"][];
            /**
             * @description Where deliveries are POSTed: `https`, and a host that resolves to public addresses only (checked again at every connection). WEBHOOK_ALLOW_PRIVATE_TARGETS=true also allows `http` and internal addresses. Redirects are not followed.
             * @example https://crm.example.com/hooks/well-clinic
             */
            url?: string;
        };
        UploadMediaForm: {
            /**
             * @description What the picture shows, for screen readers (required: describe it as you would over the phone).
             * @example A quiet consulting room with two armchairs and a window onto a garden
             */
            alt: string;
            /**
             * Format: binary
             * @description One JPEG, PNG, WebP or AVIF image of at most 10 MB and 50 megapixels, recognised by its bytes (not its name or declared type).
             * @example (the bytes of consulting-room.jpg)
             */
            file: string;
        };
        UserResponse: {
            active: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @example Dana Reyes */
            displayName: string;
            /**
             * Format: email
             * @example frontdesk@wellclinic.example
             */
            email: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            lastLoginAt: string | null;
            /**
             * @description A second factor (TOTP) is on: sign-in asks for a code.
             * @example true
             */
            mfaEnabled: boolean;
            role: components["schemas"]["Role"];
            /** Format: date-time */
            updatedAt: string;
        };
        WebhookEndpointResponse: {
            /** @description Inactive endpoints receive nothing; their pending deliveries wait. */
            active: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @example CRM: new contact requests */
            description: string | null;
            /**
             * Format: date-time
             * @description When it was disabled for failing (set `active: true` to re-enable it).
             */
            disabledAt: string | null;
            events: components["schemas"]["WebhookEventFilter"][];
            /**
             * Format: date-time
             * @description The first failed attempt since the last successful one. After 3 days of failures the endpoint is disabled.
             */
            failingSince: string | null;
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description After a rotation: until then the previous secret signs too (a second `v1,` signature); null before any rotation.
             */
            previousSecretExpiresAt: string | null;
            /** @description `environment`: made at startup from NOTIFY_WEBHOOK_URLS; it also gets the deprecated `X-Signature` headers. */
            source: components["schemas"]["WebhookEndpointSource"];
            /** Format: date-time */
            updatedAt: string;
            /** @example https://crm.example.com/hooks/well-clinic */
            url: string;
        };
        /**
         * @description `environment`: made at startup from NOTIFY_WEBHOOK_URLS; it also gets the deprecated `X-Signature` headers.
         * @enum {string}
         */
        WebhookEndpointSource: "api" | "environment";
        WebhookEndpointWithSecretResponse: {
            /** @description Inactive endpoints receive nothing; their pending deliveries wait. */
            active: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @example CRM: new contact requests */
            description: string | null;
            /**
             * Format: date-time
             * @description When it was disabled for failing (set `active: true` to re-enable it).
             */
            disabledAt: string | null;
            events: components["schemas"]["WebhookEventFilter"][];
            /**
             * Format: date-time
             * @description The first failed attempt since the last successful one. After 3 days of failures the endpoint is disabled.
             */
            failingSince: string | null;
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description After a rotation: until then the previous secret signs too (a second `v1,` signature); null before any rotation.
             */
            previousSecretExpiresAt: string | null;
            /**
             * @description The signing secret (Standard Webhooks `whsec_<base64>`). Shown only in this response: store it in the receiver.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
            /** @description `environment`: made at startup from NOTIFY_WEBHOOK_URLS; it also gets the deprecated `X-Signature` headers. */
            source: components["schemas"]["WebhookEndpointSource"];
            /** Format: date-time */
            updatedAt: string;
            /** @example https://crm.example.com/hooks/well-clinic */
            url: string;
        };
        /** @enum {string} */
        WebhookEventFilter: "contact_request.created" | "contact_request.reply_overdue" | "article.published" | "article.updated" | "article.unpublished" | "article.archived" | "article.deleted" | "testimonial.approved" | "testimonial.updated" | "testimonial.unpublished" | "testimonial.withdrawn" | "hours.changed" | "*";
        /** @enum {string} */
        Weekday: "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
        WeeklyPeriodDto: {
            /** @example 21:00 */
            closes: string;
            /** @example monday */
            day: components["schemas"]["Weekday"];
            /** @example 09:00 */
            opens: string;
        };
        WeeklyPeriodResponse: {
            /** @example 21:00 */
            closes: string;
            day: components["schemas"]["Weekday"];
            /** @example 09:00 */
            opens: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Public GETs: `public, max-age=60, stale-while-revalidate=300` (configurable). */
        CacheControl: string;
        /** @description Strong validator of this representation: send it back in `If-None-Match` to get `304`. */
        ETag: string;
        /** @description The URL of the created resource. */
        Location: string;
        /** @description Requests allowed in the window of the most constrained limit that applies. */
        RateLimitLimit: number;
        /** @description Requests left in the current window. */
        RateLimitRemaining: number;
        /** @description Seconds until the current window ends. */
        RateLimitReset: number;
        /** @description Seconds to wait before retrying. */
        RetryAfter: number;
        /** @description The resource’s version, `"v<version>"`: send it as `If-Match` on a change to get `412` on a race. */
        VersionETag: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listApiKeys: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "createdBy": {
                     *             "deleted": true,
                     *             "displayName": "Dana Whitfield",
                     *             "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *           },
                     *           "expiresAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "lastUsedAt": "2026-03-02T09:30:00.000Z",
                     *           "name": "Partner directory widget",
                     *           "prefix": "wck_3kT9xQ2a",
                     *           "revokedAt": "2026-03-02T09:30:00.000Z",
                     *           "scopes": [
                     *             "testimonials:read"
                     *           ]
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ApiKeyResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "expiresAt": "2027-06-30T00:00:00Z",
                 *       "name": "Partner directory widget",
                 *       "scopes": [
                 *         "testimonials:read"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": {
                     *         "deleted": true,
                     *         "displayName": "Dana Whitfield",
                     *         "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *       },
                     *       "expiresAt": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastUsedAt": "2026-03-02T09:30:00.000Z",
                     *       "name": "Partner directory widget",
                     *       "prefix": "wck_3kT9xQ2a",
                     *       "revokedAt": "2026-03-02T09:30:00.000Z",
                     *       "scopes": [
                     *         "testimonials:read"
                     *       ],
                     *       "secret": "wk_3q2Zs9VdR1pXo8LmN4tYb7cE0fGhJk6a"
                     *     }
                     */
                    "application/json": components["schemas"]["CreatedApiKeyResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": {
                     *         "deleted": true,
                     *         "displayName": "Dana Whitfield",
                     *         "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *       },
                     *       "expiresAt": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastUsedAt": "2026-03-02T09:30:00.000Z",
                     *       "name": "Partner directory widget",
                     *       "prefix": "wck_3kT9xQ2a",
                     *       "revokedAt": "2026-03-02T09:30:00.000Z",
                     *       "scopes": [
                     *         "testimonials:read"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ApiKeyResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminListArticles: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Full-text search (web-search syntax: "quoted phrase", or, -excluded) over title, excerpt, tags and body. Example: `self compassion`. */
                q?: string;
                /** @description Comma-separated sort fields; prefix with - for descending. Allowed: updatedAt, createdAt, publishedAt, title, relevance. */
                sort?: string;
                status?: components["schemas"]["ArticleStatus"];
                /** @description Only articles with this tag. Example: `anxiety`. */
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "author": {
                     *             "credentials": "LMFT",
                     *             "name": "Maya Lindqvist",
                     *             "photo": {
                     *               "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *               "height": 800,
                     *               "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "srcset": {
                     *                 "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *                 "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *                 "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *               },
                     *               "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *               "width": 640
                     *             },
                     *             "slug": "maya-lindqvist"
                     *           },
                     *           "cover": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "height": 853,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *             "width": 1280
                     *           },
                     *           "coverImage": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "url": "https://images.example.org/quiet-morning.jpg"
                     *           },
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *           "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "publishedAt": "2026-03-02T09:30:00.000Z",
                     *           "readingTimeMinutes": 6,
                     *           "republishedAt": "2026-11-16T14:30:00.000Z",
                     *           "scheduled": true,
                     *           "slug": "being-kind-to-yourself",
                     *           "status": "draft",
                     *           "tags": [
                     *             "self-compassion"
                     *           ],
                     *           "title": "Being Kind to Yourself on Hard Days",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "version": 1,
                     *           "wordCount": 1
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 10000,
                     *         "totalIsLowerBound": true,
                     *         "totalPages": 500
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AdminArticleSummaryResponse"][];
                        meta: components["schemas"]["AdminArticlePageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createArticle: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "author": {
                 *         "credentials": "LMFT",
                 *         "name": "Maya Lindqvist",
                 *         "practitioner": "maya-lindqvist"
                 *       },
                 *       "body": "Most of us speak to ourselves more harshly than to a friend.\n\n## Start small\n\nPause and notice.",
                 *       "coverImage": {
                 *         "alt": "A cup of tea on a windowsill in morning light",
                 *         "url": "https://images.example.org/quiet-morning.jpg"
                 *       },
                 *       "excerpt": null,
                 *       "review": {
                 *         "practitioner": "samuel-okafor",
                 *         "reviewedAt": "2026-11-02",
                 *         "reviewedBy": "Dr. Samuel Okafor, PsyD"
                 *       },
                 *       "seo": {
                 *         "description": null,
                 *         "title": "Self-compassion: a practical guide"
                 *       },
                 *       "slug": "being-kind-to-yourself",
                 *       "tags": [
                 *         "self-compassion",
                 *         "anxiety"
                 *       ],
                 *       "title": "Being Kind to Yourself on Hard Days"
                 *     }
                 */
                "application/json": components["schemas"]["CreateArticleRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminGetArticle: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteArticle: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateArticle: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "author": {
                 *         "credentials": "LMFT",
                 *         "name": "Maya Lindqvist",
                 *         "practitioner": "maya-lindqvist"
                 *       },
                 *       "body": "Most of us speak to ourselves more harshly than to a friend.\n\n## Start small\n\nPause and notice.",
                 *       "coverImage": {
                 *         "alt": "A cup of tea on a windowsill in morning light",
                 *         "url": "https://images.example.org/quiet-morning.jpg"
                 *       },
                 *       "excerpt": null,
                 *       "review": {
                 *         "practitioner": "samuel-okafor",
                 *         "reviewedAt": "2026-11-02",
                 *         "reviewedBy": "Dr. Samuel Okafor, PsyD"
                 *       },
                 *       "seo": {
                 *         "description": null,
                 *         "title": "Self-compassion: a practical guide"
                 *       },
                 *       "slug": "being-kind-to-yourself",
                 *       "tags": [
                 *         "self-compassion",
                 *         "anxiety"
                 *       ],
                 *       "title": "Being Kind to Yourself on Hard Days"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateArticleRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    archiveArticle: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createArticlePreviewToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "expiresAt": "2026-03-02T09:30:00.000Z",
                     *       "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI…In0.Q2xpbmlj…",
                     *       "url": "/api/v1/articles/being-kind-to-yourself?preview=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"
                     *     }
                     */
                    "application/json": components["schemas"]["ArticlePreviewTokenResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    publishArticle: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "publishedAt": "2026-12-24T17:00:00Z"
                 *     }
                 */
                "application/json": components["schemas"]["PublishArticleRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listArticleRevisions: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "action": "created",
                     *           "actor": {
                     *             "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "type": "user"
                     *           },
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "fields": {
                     *             "author": {
                     *               "credentials": "LMFT",
                     *               "name": "Maya Lindqvist",
                     *               "practitionerId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *             },
                     *             "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *             "coverImage": {
                     *               "alt": "A cup of tea on a windowsill in morning light",
                     *               "url": "https://images.example.org/quiet-morning.jpg"
                     *             },
                     *             "coverMedia": {
                     *               "alt": null,
                     *               "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *             },
                     *             "excerpt": null,
                     *             "review": {
                     *               "practitionerId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "reviewedAt": "2026-11-02",
                     *               "reviewedBy": "Dr. Samuel Okafor, PsyD"
                     *             },
                     *             "seo": {
                     *               "description": null,
                     *               "title": null
                     *             },
                     *             "slug": "being-kind-to-yourself",
                     *             "tags": [
                     *               "self-compassion"
                     *             ],
                     *             "title": "Being Kind to Yourself on Hard Days"
                     *           },
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "version": 2
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ArticleRevisionResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    restoreArticleRevision: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
                revisionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    unpublishArticle: {
        parameters: {
            query?: never;
            header?: {
                /** @description The article’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "customExcerpt": true,
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "previousSlugs": [
                     *         "be-kind-to-yourself"
                     *       ],
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "scheduled": true,
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "status": "draft",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "version": 1,
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["AdminArticleResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description Example: `auth.login_failed`. */
                action?: string;
                actorId?: string;
                actorType?: components["schemas"]["AuditActorType"];
                entityId?: string;
                /** @description Example: `user`. */
                entityType?: string;
                /** @description Events at or after this instant. Years 1900 to 2200. Example: `2026-12-24T17:00:00Z`. */
                from?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description `-occurredAt` (newest first, the default) or `occurredAt`. Events at the same instant (one transaction's) follow the order they were written in, reversed when newest first. */
                sort?: components["schemas"]["AuditEventSort"];
                /** @description Events at or before this instant. Years 1900 to 2200. Example: `2026-12-24T17:00:00Z`. */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "action": "user.created",
                     *           "actorId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "actorType": "user",
                     *           "clientRequestId": null,
                     *           "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "entityType": "user",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "metadata": {
                     *             "fields": [
                     *               "role"
                     *             ]
                     *           },
                     *           "occurredAt": "2026-03-02T09:30:00.000Z",
                     *           "requestId": null,
                     *           "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 10000,
                     *         "totalIsLowerBound": true,
                     *         "totalPages": 500
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AuditEventResponse"][];
                        meta: components["schemas"]["CappedPageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listContactRequests: {
        parameters: {
            query?: {
                channel?: components["schemas"]["ContactChannel"];
                /** @description Received at or after this instant. Years 1900 to 2200. Example: `2026-12-24T17:00:00Z`. */
                from?: string;
                /** @description Named this location (its slug). Example: `harbor-street`. */
                location?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Asked for this practitioner. Example: `elena-marsh`. */
                preferredPractitioner?: string;
                /** @description Asked about this service (its slug). Example: `individual-therapy`. */
                serviceInterest?: string;
                status?: components["schemas"]["ContactRequestStatus"];
                /** @description Received at or before this instant. Years 1900 to 2200. Example: `2026-12-24T17:00:00Z`. */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "assignedTo": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "channel": "text",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "emailMasked": "a•••@example.org",
                     *           "expectedReplyBy": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "location": "harbor-street",
                     *           "name": "Alex Rivera",
                     *           "phoneMasked": "+1 ••••••••71",
                     *           "preferredPractitioner": "elena-marsh",
                     *           "preferredTime": "morning",
                     *           "reference": "CR-7K3F9Q",
                     *           "serviceInterest": "individual-therapy",
                     *           "status": "new",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ContactRequestSummaryResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getContactRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "assignedTo": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "channel": "text",
                     *       "consentToText": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "email": "alex@example.com",
                     *       "expectedReplyBy": "2026-03-02T09:30:00.000Z",
                     *       "history": [
                     *         {
                     *           "changedAt": "2026-03-02T09:30:00.000Z",
                     *           "changedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "fromStatus": "new",
                     *           "toStatus": "new"
                     *         }
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "location": "harbor-street",
                     *       "message": null,
                     *       "name": "Alex Rivera",
                     *       "notes": [
                     *         {
                     *           "authorId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "body": "Left a voicemail; will try again at 6 pm.",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *         }
                     *       ],
                     *       "phone": "+14155552671",
                     *       "preferredPractitioner": "elena-marsh",
                     *       "preferredTime": "morning",
                     *       "reference": "CR-7K3F9Q",
                     *       "serviceInterest": "individual-therapy",
                     *       "status": "new",
                     *       "statusChangedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ContactRequestResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    eraseContactRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Erased. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateContactRequest: {
        parameters: {
            query?: never;
            header?: {
                /** @description The contact request’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "assignedTo": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                 *       "status": "new"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateContactRequestRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "assignedTo": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "channel": "text",
                     *       "consentToText": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "email": "alex@example.com",
                     *       "expectedReplyBy": "2026-03-02T09:30:00.000Z",
                     *       "history": [
                     *         {
                     *           "changedAt": "2026-03-02T09:30:00.000Z",
                     *           "changedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "fromStatus": "new",
                     *           "toStatus": "new"
                     *         }
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "location": "harbor-street",
                     *       "message": null,
                     *       "name": "Alex Rivera",
                     *       "notes": [
                     *         {
                     *           "authorId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "body": "Left a voicemail; will try again at 6 pm.",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *         }
                     *       ],
                     *       "phone": "+14155552671",
                     *       "preferredPractitioner": "elena-marsh",
                     *       "preferredTime": "morning",
                     *       "reference": "CR-7K3F9Q",
                     *       "serviceInterest": "individual-therapy",
                     *       "status": "new",
                     *       "statusChangedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ContactRequestResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listContactRequestAudit: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "action": "user.created",
                     *           "actorId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "actorType": "user",
                     *           "clientRequestId": null,
                     *           "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "entityType": "user",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "metadata": {
                     *             "fields": [
                     *               "role"
                     *             ]
                     *           },
                     *           "occurredAt": "2026-03-02T09:30:00.000Z",
                     *           "requestId": null,
                     *           "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 10000,
                     *         "totalIsLowerBound": true,
                     *         "totalPages": 500
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AuditEventResponse"][];
                        meta: components["schemas"]["CappedPageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    addContactRequestNote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "body": "Left a voicemail; will try again at 6 pm."
                 *     }
                 */
                "application/json": components["schemas"]["CreateNoteRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "authorId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "body": "Left a voicemail; will try again at 6 pm.",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["ContactRequestNoteResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    searchContactRequests: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "channel": "text",
                 *       "email": "alex@example.org",
                 *       "from": "2026-12-24T17:00:00Z",
                 *       "location": "harbor-street",
                 *       "page": 1,
                 *       "pageSize": 20,
                 *       "phone": "+14155552671",
                 *       "preferredPractitioner": "elena-marsh",
                 *       "serviceInterest": "individual-therapy",
                 *       "status": "new",
                 *       "to": "2026-12-24T17:00:00Z"
                 *     }
                 */
                "application/json": components["schemas"]["SearchContactRequestsRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "assignedTo": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "channel": "text",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "emailMasked": "a•••@example.org",
                     *           "expectedReplyBy": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "location": "harbor-street",
                     *           "name": "Alex Rivera",
                     *           "phoneMasked": "+1 ••••••••71",
                     *           "preferredPractitioner": "elena-marsh",
                     *           "preferredTime": "morning",
                     *           "reference": "CR-7K3F9Q",
                     *           "serviceInterest": "individual-therapy",
                     *           "status": "new",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ContactRequestSummaryResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    putSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "description": "When we answer \"Send us a text!\" messages.",
                 *       "name": "Text line",
                 *       "periods": [
                 *         {
                 *           "closes": "21:00",
                 *           "day": "monday",
                 *           "opens": "09:00"
                 *         }
                 *       ],
                 *       "timeZone": "America/New_York"
                 *     }
                 */
                "application/json": components["schemas"]["PutScheduleRequest"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": null,
                     *       "exceptions": [
                     *         {
                     *           "closed": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "endDate": "2026-12-26",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "key": "text-line",
                     *           "label": "Christmas",
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "opens": "09:00"
                     *             }
                     *           ],
                     *           "startDate": "2026-12-24",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "name": "Text line",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "day": "monday",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "timeZone": "America/New_York",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": null,
                     *       "exceptions": [
                     *         {
                     *           "closed": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "endDate": "2026-12-26",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "key": "text-line",
                     *           "label": "Christmas",
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "opens": "09:00"
                     *             }
                     *           ],
                     *           "startDate": "2026-12-24",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "name": "Text line",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "day": "monday",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "timeZone": "America/New_York",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listHoursExceptions: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path: {
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "closed": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "endDate": "2026-12-26",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "key": "text-line",
                     *           "label": "Christmas",
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "opens": "09:00"
                     *             }
                     *           ],
                     *           "startDate": "2026-12-24",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ExceptionResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createHoursException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "closed": true,
                 *       "endDate": "2026-12-26",
                 *       "label": "Christmas",
                 *       "periods": [],
                 *       "startDate": "2026-12-24"
                 *     }
                 */
                "application/json": components["schemas"]["ExceptionRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "closed": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "endDate": "2026-12-26",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "label": "Christmas",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "startDate": "2026-12-24",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ExceptionResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getHoursException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "closed": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "endDate": "2026-12-26",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "label": "Christmas",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "startDate": "2026-12-24",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ExceptionResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteHoursException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateHoursException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description The schedule’s key (a slug). */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "closed": true,
                 *       "endDate": "2026-12-26",
                 *       "label": "Christmas",
                 *       "periods": [],
                 *       "startDate": "2026-12-24"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateExceptionRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "closed": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "endDate": "2026-12-26",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "label": "Christmas",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "startDate": "2026-12-24",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ExceptionResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminListLocations: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Only published (`true`) or only hidden (`false`) locations. */
                published?: boolean;
                /** @description Only telehealth-only (`true`) or only visitable (`false`) locations. */
                telehealthOnly?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *           "address": {
                     *             "country": "US",
                     *             "locality": "Portland",
                     *             "postalCode": "97209",
                     *             "region": "OR",
                     *             "street": "1200 Harbor Street, Suite 3"
                     *           },
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "email": "pearl@wellclinic.example",
                     *           "geo": {
                     *             "latitude": 45.5231,
                     *             "longitude": -122.6765
                     *           },
                     *           "hoursKey": "office",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "name": "Pearl District office",
                     *           "parkingNotes": "Street parking; garage on 12th.",
                     *           "phone": "+15035550142",
                     *           "photo": {
                     *             "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *             "height": 800,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *             "width": 640
                     *           },
                     *           "published": true,
                     *           "slug": "pearl-district",
                     *           "sortOrder": 0,
                     *           "telehealthOnly": true,
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "version": 1
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AdminLocationResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createLocation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                 *       "address": {
                 *         "country": "US",
                 *         "locality": "Portland",
                 *         "postalCode": "97209",
                 *         "region": "OR",
                 *         "street": "1200 Harbor Street, Suite 3"
                 *       },
                 *       "email": "pearl@wellclinic.example",
                 *       "geo": {
                 *         "latitude": 45.5231,
                 *         "longitude": -122.6765
                 *       },
                 *       "hoursKey": "office",
                 *       "name": "Pearl District office",
                 *       "parkingNotes": "Street parking; garage on 12th.",
                 *       "phone": "+15035550142",
                 *       "photo": {
                 *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                 *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                 *       },
                 *       "published": true,
                 *       "slug": "pearl-district",
                 *       "sortOrder": 0,
                 *       "telehealthOnly": true
                 *     }
                 */
                "application/json": components["schemas"]["CreateLocationRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *       "address": {
                     *         "country": "US",
                     *         "locality": "Portland",
                     *         "postalCode": "97209",
                     *         "region": "OR",
                     *         "street": "1200 Harbor Street, Suite 3"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "email": "pearl@wellclinic.example",
                     *       "geo": {
                     *         "latitude": 45.5231,
                     *         "longitude": -122.6765
                     *       },
                     *       "hoursKey": "office",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "name": "Pearl District office",
                     *       "parkingNotes": "Street parking; garage on 12th.",
                     *       "phone": "+15035550142",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "published": true,
                     *       "slug": "pearl-district",
                     *       "sortOrder": 0,
                     *       "telehealthOnly": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminLocationResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminGetLocation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *       "address": {
                     *         "country": "US",
                     *         "locality": "Portland",
                     *         "postalCode": "97209",
                     *         "region": "OR",
                     *         "street": "1200 Harbor Street, Suite 3"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "email": "pearl@wellclinic.example",
                     *       "geo": {
                     *         "latitude": 45.5231,
                     *         "longitude": -122.6765
                     *       },
                     *       "hoursKey": "office",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "name": "Pearl District office",
                     *       "parkingNotes": "Street parking; garage on 12th.",
                     *       "phone": "+15035550142",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "published": true,
                     *       "slug": "pearl-district",
                     *       "sortOrder": 0,
                     *       "telehealthOnly": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminLocationResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteLocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description The location’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateLocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description The location’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                 *       "address": {
                 *         "country": "US",
                 *         "locality": "Portland",
                 *         "postalCode": "97209",
                 *         "region": "OR",
                 *         "street": "1200 Harbor Street, Suite 3"
                 *       },
                 *       "email": "pearl@wellclinic.example",
                 *       "geo": {
                 *         "latitude": 45.5231,
                 *         "longitude": -122.6765
                 *       },
                 *       "hoursKey": "office",
                 *       "name": "Pearl District office",
                 *       "parkingNotes": "Street parking; garage on 12th.",
                 *       "phone": "+15035550142",
                 *       "photo": {
                 *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                 *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                 *       },
                 *       "published": true,
                 *       "sortOrder": 0,
                 *       "telehealthOnly": true
                 *     }
                 */
                "application/json": components["schemas"]["UpdateLocationRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *       "address": {
                     *         "country": "US",
                     *         "locality": "Portland",
                     *         "postalCode": "97209",
                     *         "region": "OR",
                     *         "street": "1200 Harbor Street, Suite 3"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "email": "pearl@wellclinic.example",
                     *       "geo": {
                     *         "latitude": 45.5231,
                     *         "longitude": -122.6765
                     *       },
                     *       "hoursKey": "office",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "name": "Pearl District office",
                     *       "parkingNotes": "Street parking; garage on 12th.",
                     *       "phone": "+15035550142",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "published": true,
                     *       "slug": "pearl-district",
                     *       "sortOrder": 0,
                     *       "telehealthOnly": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminLocationResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listMedia: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "alt": "A quiet consulting room with two armchairs and a window onto a garden",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "format": "jpeg",
                     *           "height": 2667,
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "original": {
                     *             "bytes": 94210,
                     *             "format": "webp",
                     *             "height": 853,
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *             "width": 1280
                     *           },
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.webp 640w"
                     *           },
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "uploadBytes": 3481022,
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg",
                     *           "variants": [
                     *             {
                     *               "bytes": 94210,
                     *               "format": "webp",
                     *               "height": 853,
                     *               "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *               "width": 1280
                     *             }
                     *           ],
                     *           "version": 1,
                     *           "width": 4000
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["MediaResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    uploadMedia: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "alt": "A quiet consulting room with two armchairs and a window onto a garden",
                 *       "file": "(the bytes of consulting-room.jpg)"
                 *     }
                 */
                "multipart/form-data": components["schemas"]["UploadMediaForm"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alt": "A quiet consulting room with two armchairs and a window onto a garden",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "format": "jpeg",
                     *       "height": 2667,
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "original": {
                     *         "bytes": 94210,
                     *         "format": "webp",
                     *         "height": 853,
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *         "width": 1280
                     *       },
                     *       "srcset": {
                     *         "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.avif 640w",
                     *         "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg 640w",
                     *         "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.webp 640w"
                     *       },
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "uploadBytes": 3481022,
                     *       "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg",
                     *       "variants": [
                     *         {
                     *           "bytes": 94210,
                     *           "format": "webp",
                     *           "height": 853,
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *           "width": 1280
                     *         }
                     *       ],
                     *       "version": 1,
                     *       "width": 4000
                     *     }
                     */
                    "application/json": components["schemas"]["MediaResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getMedia: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alt": "A quiet consulting room with two armchairs and a window onto a garden",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "format": "jpeg",
                     *       "height": 2667,
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "original": {
                     *         "bytes": 94210,
                     *         "format": "webp",
                     *         "height": 853,
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *         "width": 1280
                     *       },
                     *       "srcset": {
                     *         "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.avif 640w",
                     *         "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg 640w",
                     *         "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.webp 640w"
                     *       },
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "uploadBytes": 3481022,
                     *       "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg",
                     *       "usages": {
                     *         "articles": [
                     *           "being-kind-to-yourself"
                     *         ]
                     *       },
                     *       "variants": [
                     *         {
                     *           "bytes": 94210,
                     *           "format": "webp",
                     *           "height": 853,
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *           "width": 1280
                     *         }
                     *       ],
                     *       "version": 1,
                     *       "width": 4000
                     *     }
                     */
                    "application/json": components["schemas"]["MediaDetailResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteMedia: {
        parameters: {
            query?: never;
            header?: {
                /** @description The media item’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `media_in_use` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateMedia: {
        parameters: {
            query?: never;
            header?: {
                /** @description The media item’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "alt": "A quiet consulting room with two armchairs and a window onto a garden"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateMediaRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "alt": "A quiet consulting room with two armchairs and a window onto a garden",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "format": "jpeg",
                     *       "height": 2667,
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "original": {
                     *         "bytes": 94210,
                     *         "format": "webp",
                     *         "height": 853,
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *         "width": 1280
                     *       },
                     *       "srcset": {
                     *         "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.avif 640w",
                     *         "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg 640w",
                     *         "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, /media/3f9a1c0e5b7d2468ace013579bdf2468/640.webp 640w"
                     *       },
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "updatedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "uploadBytes": 3481022,
                     *       "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1920.jpg",
                     *       "variants": [
                     *         {
                     *           "bytes": 94210,
                     *           "format": "webp",
                     *           "height": 853,
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.webp",
                     *           "width": 1280
                     *         }
                     *       ],
                     *       "version": 1,
                     *       "width": 4000
                     *     }
                     */
                    "application/json": components["schemas"]["MediaResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listNotificationDeliveries: {
        parameters: {
            query?: {
                entityId?: string;
                /** @description Example: `contact_request.created`. */
                event?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                status?: components["schemas"]["NotificationDeliveryStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "attempts": 2,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "deliveredAt": "2026-03-02T09:30:00.000Z",
                     *           "endpointId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "event": "contact_request.created",
                     *           "giveUpAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "lastAttemptAt": "2026-03-02T09:30:00.000Z",
                     *           "lastDurationMs": 182,
                     *           "lastError": "HTTP 503",
                     *           "lastStatus": 503,
                     *           "nextAttemptAt": "2026-03-02T09:30:00.000Z",
                     *           "payload": {
                     *             "channel": "text",
                     *             "event": "contact_request.created",
                     *             "id": "3f0c…",
                     *             "reference": "WC-7K2M9Q"
                     *           },
                     *           "status": "pending",
                     *           "url": "https://crm.example.com/hooks/well-clinic"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["NotificationDeliveryResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminListPractitioners: {
        parameters: {
            query?: {
                acceptingNewClients?: boolean;
                /** @description Speaks this language: `es` also finds `es-MX` (BCP 47 prefix). Example: `es`. */
                language?: string;
                /** @description Works at this location (its slug). Example: `harbor-street`. */
                location?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Only published (`true`) or only hidden (`false`) practitioners. */
                published?: boolean;
                /** @description Offers this service (its slug). Example: `individual-therapy`. */
                service?: string;
                /** @description Has this specialty (exact, case-insensitive). Example: `anxiety`. */
                specialty?: string;
                telehealth?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "acceptingNewClients": true,
                     *           "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *           "approaches": [
                     *             "EFT",
                     *             "Gottman Method"
                     *           ],
                     *           "bio": "Maya works with couples and families through **big transitions**.",
                     *           "bioHtml": "<p>Maya works with couples and families through <strong>big transitions</strong>.</p>",
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "credentials": [
                     *             "LMFT"
                     *           ],
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "jobTitle": "Licensed Marriage and Family Therapist",
                     *           "languages": [
                     *             "en",
                     *             "sv"
                     *           ],
                     *           "licenses": [
                     *             {
                     *               "number": "T1234",
                     *               "public": true,
                     *               "state": "OR",
                     *               "type": "LMFT"
                     *             }
                     *           ],
                     *           "locations": [
                     *             "harbor-street"
                     *           ],
                     *           "name": "Maya Lindqvist",
                     *           "photo": {
                     *             "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *             "height": 800,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *             "width": 640
                     *           },
                     *           "previousSlugs": [
                     *             "maya-l"
                     *           ],
                     *           "pronouns": "she/her",
                     *           "published": true,
                     *           "services": [
                     *             "couples-therapy"
                     *           ],
                     *           "slug": "maya-lindqvist",
                     *           "sortOrder": 0,
                     *           "specialties": [
                     *             "anxiety",
                     *             "couples"
                     *           ],
                     *           "telehealth": true,
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "version": 1
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AdminPractitionerResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createPractitioner: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "acceptingNewClients": true,
                 *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                 *       "approaches": [
                 *         "CBT",
                 *         "EMDR"
                 *       ],
                 *       "bio": "Maya works with couples and families through **big transitions**.",
                 *       "credentials": [
                 *         "LMFT"
                 *       ],
                 *       "jobTitle": "Licensed Marriage and Family Therapist",
                 *       "languages": [
                 *         "en",
                 *         "es-MX"
                 *       ],
                 *       "licenses": [
                 *         {
                 *           "number": "T1234",
                 *           "public": true,
                 *           "state": "OR",
                 *           "type": "LMFT"
                 *         }
                 *       ],
                 *       "locations": [
                 *         "harbor-street"
                 *       ],
                 *       "name": "Maya Lindqvist",
                 *       "photo": {
                 *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                 *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                 *       },
                 *       "pronouns": "she/her",
                 *       "published": true,
                 *       "services": [
                 *         "couples-therapy"
                 *       ],
                 *       "slug": "maya-lindqvist",
                 *       "sortOrder": 0,
                 *       "specialties": [
                 *         "anxiety",
                 *         "couples"
                 *       ],
                 *       "telehealth": true
                 *     }
                 */
                "application/json": components["schemas"]["CreatePractitionerRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "acceptingNewClients": true,
                     *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *       "approaches": [
                     *         "EFT",
                     *         "Gottman Method"
                     *       ],
                     *       "bio": "Maya works with couples and families through **big transitions**.",
                     *       "bioHtml": "<p>Maya works with couples and families through <strong>big transitions</strong>.</p>",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "credentials": [
                     *         "LMFT"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jobTitle": "Licensed Marriage and Family Therapist",
                     *       "languages": [
                     *         "en",
                     *         "sv"
                     *       ],
                     *       "licenses": [
                     *         {
                     *           "number": "T1234",
                     *           "public": true,
                     *           "state": "OR",
                     *           "type": "LMFT"
                     *         }
                     *       ],
                     *       "locations": [
                     *         "harbor-street"
                     *       ],
                     *       "name": "Maya Lindqvist",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "previousSlugs": [
                     *         "maya-l"
                     *       ],
                     *       "pronouns": "she/her",
                     *       "published": true,
                     *       "services": [
                     *         "couples-therapy"
                     *       ],
                     *       "slug": "maya-lindqvist",
                     *       "sortOrder": 0,
                     *       "specialties": [
                     *         "anxiety",
                     *         "couples"
                     *       ],
                     *       "telehealth": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminPractitionerResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminGetPractitioner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "acceptingNewClients": true,
                     *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *       "approaches": [
                     *         "EFT",
                     *         "Gottman Method"
                     *       ],
                     *       "bio": "Maya works with couples and families through **big transitions**.",
                     *       "bioHtml": "<p>Maya works with couples and families through <strong>big transitions</strong>.</p>",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "credentials": [
                     *         "LMFT"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jobTitle": "Licensed Marriage and Family Therapist",
                     *       "languages": [
                     *         "en",
                     *         "sv"
                     *       ],
                     *       "licenses": [
                     *         {
                     *           "number": "T1234",
                     *           "public": true,
                     *           "state": "OR",
                     *           "type": "LMFT"
                     *         }
                     *       ],
                     *       "locations": [
                     *         "harbor-street"
                     *       ],
                     *       "name": "Maya Lindqvist",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "previousSlugs": [
                     *         "maya-l"
                     *       ],
                     *       "pronouns": "she/her",
                     *       "published": true,
                     *       "services": [
                     *         "couples-therapy"
                     *       ],
                     *       "slug": "maya-lindqvist",
                     *       "sortOrder": 0,
                     *       "specialties": [
                     *         "anxiety",
                     *         "couples"
                     *       ],
                     *       "telehealth": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminPractitionerResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deletePractitioner: {
        parameters: {
            query?: never;
            header?: {
                /** @description The practitioner’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with their old slugs. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updatePractitioner: {
        parameters: {
            query?: never;
            header?: {
                /** @description The practitioner’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "acceptingNewClients": true,
                 *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                 *       "approaches": [
                 *         "CBT",
                 *         "EMDR"
                 *       ],
                 *       "bio": "Maya works with couples and families through **big transitions**.",
                 *       "credentials": [
                 *         "LMFT"
                 *       ],
                 *       "jobTitle": "Licensed Marriage and Family Therapist",
                 *       "languages": [
                 *         "en",
                 *         "es-MX"
                 *       ],
                 *       "licenses": [
                 *         {
                 *           "number": "T1234",
                 *           "public": true,
                 *           "state": "OR",
                 *           "type": "LMFT"
                 *         }
                 *       ],
                 *       "locations": [
                 *         "harbor-street"
                 *       ],
                 *       "name": "Maya Lindqvist",
                 *       "photo": {
                 *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                 *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                 *       },
                 *       "pronouns": "she/her",
                 *       "published": true,
                 *       "services": [
                 *         "couples-therapy"
                 *       ],
                 *       "slug": "maya-lindqvist",
                 *       "sortOrder": 0,
                 *       "specialties": [
                 *         "anxiety",
                 *         "couples"
                 *       ],
                 *       "telehealth": true
                 *     }
                 */
                "application/json": components["schemas"]["UpdatePractitionerRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "acceptingNewClients": true,
                     *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *       "approaches": [
                     *         "EFT",
                     *         "Gottman Method"
                     *       ],
                     *       "bio": "Maya works with couples and families through **big transitions**.",
                     *       "bioHtml": "<p>Maya works with couples and families through <strong>big transitions</strong>.</p>",
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "credentials": [
                     *         "LMFT"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jobTitle": "Licensed Marriage and Family Therapist",
                     *       "languages": [
                     *         "en",
                     *         "sv"
                     *       ],
                     *       "licenses": [
                     *         {
                     *           "number": "T1234",
                     *           "public": true,
                     *           "state": "OR",
                     *           "type": "LMFT"
                     *         }
                     *       ],
                     *       "locations": [
                     *         "harbor-street"
                     *       ],
                     *       "name": "Maya Lindqvist",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "previousSlugs": [
                     *         "maya-l"
                     *       ],
                     *       "pronouns": "she/her",
                     *       "published": true,
                     *       "services": [
                     *         "couples-therapy"
                     *       ],
                     *       "slug": "maya-lindqvist",
                     *       "sortOrder": 0,
                     *       "specialties": [
                     *         "anxiety",
                     *         "couples"
                     *       ],
                     *       "telehealth": true,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminPractitionerResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminListServices: {
        parameters: {
            query?: {
                audience?: components["schemas"]["ServiceAudience"];
                format?: components["schemas"]["ServiceFormat"];
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Only published (`true`) or only hidden (`false`) services. */
                published?: boolean;
                /** @description Comma-separated sort fields; prefix with - for descending. Allowed: sortOrder, name, createdAt, updatedAt. */
                sort?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "audiences": [
                     *             "couples"
                     *           ],
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "description": "For partners who want to **argue less** and understand each other more.",
                     *           "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *           "fee": {
                     *             "currency": "USD",
                     *             "max": 180,
                     *             "min": 140,
                     *             "slidingScale": {
                     *               "min": 60,
                     *               "note": "Ask us: we set the fee with you by income."
                     *             }
                     *           },
                     *           "formats": [
                     *             "in_person"
                     *           ],
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "insuranceAccepted": [
                     *             "Aetna",
                     *             "Blue Shield"
                     *           ],
                     *           "name": "Couples therapy",
                     *           "published": true,
                     *           "sessionLengthMinutes": 50,
                     *           "slug": "couples-therapy",
                     *           "sortOrder": 0,
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "version": 1
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AdminServiceResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createService: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "audiences": [
                 *         "couples"
                 *       ],
                 *       "description": "For partners who want to **argue less** and understand each other more.",
                 *       "fee": {
                 *         "currency": "USD",
                 *         "max": 180,
                 *         "min": 140,
                 *         "slidingScale": {
                 *           "min": 60,
                 *           "note": "Ask us: we set the fee with you by income."
                 *         }
                 *       },
                 *       "formats": [
                 *         "in_person",
                 *         "telehealth"
                 *       ],
                 *       "insuranceAccepted": [
                 *         "Aetna",
                 *         "Blue Shield"
                 *       ],
                 *       "name": "Couples therapy",
                 *       "published": true,
                 *       "sessionLengthMinutes": 50,
                 *       "slug": "couples-therapy",
                 *       "sortOrder": 0
                 *     }
                 */
                "application/json": components["schemas"]["CreateServiceRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "audiences": [
                     *         "couples"
                     *       ],
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "For partners who want to **argue less** and understand each other more.",
                     *       "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *       "fee": {
                     *         "currency": "USD",
                     *         "max": 180,
                     *         "min": 140,
                     *         "slidingScale": {
                     *           "min": 60,
                     *           "note": "Ask us: we set the fee with you by income."
                     *         }
                     *       },
                     *       "formats": [
                     *         "in_person"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "insuranceAccepted": [
                     *         "Aetna",
                     *         "Blue Shield"
                     *       ],
                     *       "name": "Couples therapy",
                     *       "published": true,
                     *       "sessionLengthMinutes": 50,
                     *       "slug": "couples-therapy",
                     *       "sortOrder": 0,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminServiceResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminGetService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "audiences": [
                     *         "couples"
                     *       ],
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "For partners who want to **argue less** and understand each other more.",
                     *       "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *       "fee": {
                     *         "currency": "USD",
                     *         "max": 180,
                     *         "min": 140,
                     *         "slidingScale": {
                     *           "min": 60,
                     *           "note": "Ask us: we set the fee with you by income."
                     *         }
                     *       },
                     *       "formats": [
                     *         "in_person"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "insuranceAccepted": [
                     *         "Aetna",
                     *         "Blue Shield"
                     *       ],
                     *       "name": "Couples therapy",
                     *       "published": true,
                     *       "sessionLengthMinutes": 50,
                     *       "slug": "couples-therapy",
                     *       "sortOrder": 0,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminServiceResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteService: {
        parameters: {
            query?: never;
            header?: {
                /** @description The service’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateService: {
        parameters: {
            query?: never;
            header?: {
                /** @description The service’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "audiences": [
                 *         "couples"
                 *       ],
                 *       "description": "For partners who want to **argue less** and understand each other more.",
                 *       "fee": {
                 *         "currency": "USD",
                 *         "max": 180,
                 *         "min": 140,
                 *         "slidingScale": {
                 *           "min": 60,
                 *           "note": "Ask us: we set the fee with you by income."
                 *         }
                 *       },
                 *       "formats": [
                 *         "in_person",
                 *         "telehealth"
                 *       ],
                 *       "insuranceAccepted": [
                 *         "Aetna",
                 *         "Blue Shield"
                 *       ],
                 *       "name": "Couples therapy",
                 *       "published": true,
                 *       "sessionLengthMinutes": 50,
                 *       "sortOrder": 0
                 *     }
                 */
                "application/json": components["schemas"]["UpdateServiceRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "audiences": [
                     *         "couples"
                     *       ],
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "For partners who want to **argue less** and understand each other more.",
                     *       "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *       "fee": {
                     *         "currency": "USD",
                     *         "max": 180,
                     *         "min": 140,
                     *         "slidingScale": {
                     *           "min": 60,
                     *           "note": "Ask us: we set the fee with you by income."
                     *         }
                     *       },
                     *       "formats": [
                     *         "in_person"
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "insuranceAccepted": [
                     *         "Aetna",
                     *         "Blue Shield"
                     *       ],
                     *       "name": "Couples therapy",
                     *       "published": true,
                     *       "sessionLengthMinutes": 50,
                     *       "slug": "couples-therapy",
                     *       "sortOrder": 0,
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1
                     *     }
                     */
                    "application/json": components["schemas"]["AdminServiceResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminListTestimonials: {
        parameters: {
            query?: {
                /** @description Only featured (`true`) or only other (`false`) testimonials. */
                featured?: boolean;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description A service’s slug. Example: `couples-therapy`. */
                service?: string;
                /** @description Comma-separated sort fields; prefix with - for descending. Allowed: createdAt, updatedAt, approvedAt, sortOrder. */
                sort?: string;
                /** @description Only honeypot catches (`true`) or only the others (`false`). */
                spam?: boolean;
                status?: components["schemas"]["TestimonialStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "approvedAt": "2026-03-02T09:30:00.000Z",
                     *           "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "consent": {
                     *             "givenAt": "2026-03-02T09:30:00.000Z",
                     *             "method": "web-form",
                     *             "textVersion": "2026-01"
                     *           },
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "displayName": "Ivette B",
                     *           "featured": true,
                     *           "firstName": "Ivette",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "lastInitial": "B",
                     *           "quote": null,
                     *           "rating": null,
                     *           "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *           "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "service": "couples-therapy",
                     *           "sortOrder": 1,
                     *           "source": "website",
                     *           "spam": true,
                     *           "status": "pending",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "version": 1,
                     *           "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *           "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["AdminTestimonialResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createTestimonial: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "consent": {
                 *         "givenAt": "2026-11-20T15:30:00Z",
                 *         "method": "email",
                 *         "textVersion": "2026-01"
                 *       },
                 *       "featured": true,
                 *       "firstName": "Ivette",
                 *       "lastName": "B",
                 *       "quote": "I finally feel heard. I leave every session lighter.",
                 *       "rating": 5,
                 *       "service": "couples-therapy",
                 *       "sortOrder": 0,
                 *       "source": "email"
                 *     }
                 */
                "application/json": components["schemas"]["CreateTestimonialRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    adminGetTestimonial: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteTestimonial: {
        parameters: {
            query?: never;
            header?: {
                /** @description The testimonial’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateTestimonial: {
        parameters: {
            query?: never;
            header?: {
                /** @description The testimonial’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "featured": true,
                 *       "firstName": "Ivette",
                 *       "lastName": "B",
                 *       "quote": "I finally feel heard. I leave every session lighter.",
                 *       "rating": 5,
                 *       "service": "couples-therapy",
                 *       "sortOrder": 0
                 *     }
                 */
                "application/json": components["schemas"]["UpdateTestimonialRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    approveTestimonial: {
        parameters: {
            query?: never;
            header?: {
                /** @description The testimonial’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    rejectTestimonial: {
        parameters: {
            query?: never;
            header?: {
                /** @description The testimonial’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    withdrawTestimonial: {
        parameters: {
            query?: never;
            header?: {
                /** @description The testimonial’s ETag (`"v<version>"`) from your last read: 412 if someone changed it since. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    ETag: components["headers"]["VersionETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "approvedAt": "2026-03-02T09:30:00.000Z",
                     *       "approvedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "consent": {
                     *         "givenAt": "2026-03-02T09:30:00.000Z",
                     *         "method": "web-form",
                     *         "textVersion": "2026-01"
                     *       },
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "createdBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "displayName": "Ivette B",
                     *       "featured": true,
                     *       "firstName": "Ivette",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastInitial": "B",
                     *       "quote": null,
                     *       "rating": null,
                     *       "rejectedAt": "2026-03-02T09:30:00.000Z",
                     *       "rejectedBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "service": "couples-therapy",
                     *       "sortOrder": 1,
                     *       "source": "website",
                     *       "spam": true,
                     *       "status": "pending",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "version": 1,
                     *       "withdrawnAt": "2026-03-02T09:30:00.000Z",
                     *       "withdrawnBy": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTestimonialResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `precondition_failed` */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    reorderTestimonials: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "items": [
                 *         {
                 *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                 *           "sortOrder": 10
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["ReorderTestimonialsRequest"];
            };
        };
        responses: {
            /** @description Saved. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                active?: boolean;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                role?: components["schemas"]["Role"];
                /** @description Comma-separated sort fields; prefix with - for descending. Allowed: email, displayName, createdAt, lastLoginAt. */
                sort?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "active": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "displayName": "Dana Reyes",
                     *           "email": "frontdesk@wellclinic.example",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *           "mfaEnabled": true,
                     *           "role": "admin",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["UserResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "displayName": "Dana Reyes",
                 *       "email": "frontdesk@wellclinic.example",
                 *       "password": "calm-harbor-lantern-42",
                 *       "role": "frontdesk"
                 *     }
                 */
                "application/json": components["schemas"]["CreateUserRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "displayName": "Dana Reyes",
                     *       "email": "frontdesk@wellclinic.example",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *       "mfaEnabled": true,
                     *       "role": "admin",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "displayName": "Dana Reyes",
                     *       "email": "frontdesk@wellclinic.example",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *       "mfaEnabled": true,
                     *       "role": "admin",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `last_admin` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": true,
                 *       "displayName": "Dana Reyes",
                 *       "password": "calm-harbor-lantern-42",
                 *       "role": "frontdesk"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateUserRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "displayName": "Dana Reyes",
                     *       "email": "frontdesk@wellclinic.example",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *       "mfaEnabled": true,
                     *       "role": "admin",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `last_admin` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    resetUserMfa: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The second factor is removed. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    endUserSessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session has ended. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "active": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "description": "CRM: new contact requests",
                     *           "disabledAt": "2026-03-02T09:30:00.000Z",
                     *           "events": [
                     *             "contact_request.created"
                     *           ],
                     *           "failingSince": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "previousSecretExpiresAt": "2026-03-02T09:30:00.000Z",
                     *           "source": "api",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z",
                     *           "url": "https://crm.example.com/hooks/well-clinic"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["WebhookEndpointResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": true,
                 *       "description": "CRM: new contact requests",
                 *       "events": [
                 *         "contact_request.created"
                 *       ],
                 *       "url": "https://crm.example.com/hooks/well-clinic"
                 *     }
                 */
                "application/json": components["schemas"]["CreateWebhookEndpointRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "CRM: new contact requests",
                     *       "disabledAt": "2026-03-02T09:30:00.000Z",
                     *       "events": [
                     *         "contact_request.created"
                     *       ],
                     *       "failingSince": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "previousSecretExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                     *       "source": "api",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["WebhookEndpointWithSecretResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "CRM: new contact requests",
                     *       "disabledAt": "2026-03-02T09:30:00.000Z",
                     *       "events": [
                     *         "contact_request.created"
                     *       ],
                     *       "failingSince": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "previousSecretExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "source": "api",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["WebhookEndpointResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": true,
                 *       "description": "CRM: new contact requests",
                 *       "events": [
                 *         "contact_request.created"
                 *       ],
                 *       "url": "https://crm.example.com/hooks/well-clinic"
                 *     }
                 */
                "application/json": components["schemas"]["UpdateWebhookEndpointRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "CRM: new contact requests",
                     *       "disabledAt": "2026-03-02T09:30:00.000Z",
                     *       "events": [
                     *         "contact_request.created"
                     *       ],
                     *       "failingSince": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "previousSecretExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "source": "api",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["WebhookEndpointResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listWebhookEndpointDeliveries: {
        parameters: {
            query?: {
                /** @description Example: `contact_request.created`. */
                event?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                status?: components["schemas"]["NotificationDeliveryStatus"];
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "attempts": 2,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "deliveredAt": "2026-03-02T09:30:00.000Z",
                     *           "endpointId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "event": "contact_request.created",
                     *           "giveUpAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "lastAttemptAt": "2026-03-02T09:30:00.000Z",
                     *           "lastDurationMs": 182,
                     *           "lastError": "HTTP 503",
                     *           "lastStatus": 503,
                     *           "nextAttemptAt": "2026-03-02T09:30:00.000Z",
                     *           "payload": {
                     *             "channel": "text",
                     *             "event": "contact_request.created",
                     *             "id": "3f0c…",
                     *             "reference": "WC-7K2M9Q"
                     *           },
                     *           "status": "pending",
                     *           "url": "https://crm.example.com/hooks/well-clinic"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["NotificationDeliveryResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    redeliverWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "attempts": 2,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "deliveredAt": "2026-03-02T09:30:00.000Z",
                     *       "endpointId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "event": "contact_request.created",
                     *       "giveUpAt": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastAttemptAt": "2026-03-02T09:30:00.000Z",
                     *       "lastDurationMs": 182,
                     *       "lastError": "HTTP 503",
                     *       "lastStatus": 503,
                     *       "nextAttemptAt": "2026-03-02T09:30:00.000Z",
                     *       "payload": {
                     *         "channel": "text",
                     *         "event": "contact_request.created",
                     *         "id": "3f0c…",
                     *         "reference": "WC-7K2M9Q"
                     *       },
                     *       "status": "pending",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["NotificationDeliveryResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    pingWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "attempts": 2,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "deliveredAt": "2026-03-02T09:30:00.000Z",
                     *       "endpointId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "entityId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "event": "contact_request.created",
                     *       "giveUpAt": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastAttemptAt": "2026-03-02T09:30:00.000Z",
                     *       "lastDurationMs": 182,
                     *       "lastError": "HTTP 503",
                     *       "lastStatus": 503,
                     *       "nextAttemptAt": "2026-03-02T09:30:00.000Z",
                     *       "payload": {
                     *         "channel": "text",
                     *         "event": "contact_request.created",
                     *         "id": "3f0c…",
                     *         "reference": "WC-7K2M9Q"
                     *       },
                     *       "status": "pending",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["NotificationDeliveryResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    rotateWebhookEndpointSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": "CRM: new contact requests",
                     *       "disabledAt": "2026-03-02T09:30:00.000Z",
                     *       "events": [
                     *         "contact_request.created"
                     *       ],
                     *       "failingSince": "2026-03-02T09:30:00.000Z",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "previousSecretExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                     *       "source": "api",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "url": "https://crm.example.com/hooks/well-clinic"
                     *     }
                     */
                    "application/json": components["schemas"]["WebhookEndpointWithSecretResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listArticles: {
        parameters: {
            query?: {
                cursor?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Full-text search (web-search syntax: "quoted phrase", or, -excluded) over title, excerpt, tags and body. Example: `self compassion`. */
                q?: string;
                /** @description Comma-separated sort fields; prefix with - for descending. Allowed: publishedAt, title, relevance. */
                sort?: string;
                /** @description Only articles with this tag. Example: `anxiety`. */
                tag?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "author": {
                     *             "credentials": "LMFT",
                     *             "name": "Maya Lindqvist",
                     *             "photo": {
                     *               "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *               "height": 800,
                     *               "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "srcset": {
                     *                 "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *                 "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *                 "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *               },
                     *               "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *               "width": 640
                     *             },
                     *             "slug": "maya-lindqvist"
                     *           },
                     *           "cover": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "height": 853,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *             "width": 1280
                     *           },
                     *           "coverImage": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "url": "https://images.example.org/quiet-morning.jpg"
                     *           },
                     *           "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *           "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "publishedAt": "2026-03-02T09:30:00.000Z",
                     *           "readingTimeMinutes": 6,
                     *           "republishedAt": "2026-11-16T14:30:00.000Z",
                     *           "slug": "being-kind-to-yourself",
                     *           "tags": [
                     *             "self-compassion"
                     *           ],
                     *           "title": "Being Kind to Yourself on Hard Days"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": null,
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 10000,
                     *         "totalIsLowerBound": true,
                     *         "totalPages": 500
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ArticleSummaryResponse"][];
                        meta: components["schemas"]["ArticlePageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getArticle: {
        parameters: {
            query?: {
                /**
                 * @description A token from `POST /api/v1/admin/articles/{id}/preview-token`: shows that article whatever its status (a draft, a
                 *     scheduled one), with `Cache-Control: no-store` and `X-Robots-Tag: noindex`, never from or into a cache. A token
                 *     that is expired, for another article, or made before the article's status last changed is 401.
                 */
                preview?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The article’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "author": {
                     *         "credentials": "LMFT",
                     *         "name": "Maya Lindqvist",
                     *         "photo": {
                     *           "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *           "height": 800,
                     *           "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "srcset": {
                     *             "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *             "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *             "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *           },
                     *           "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *           "width": 640
                     *         },
                     *         "slug": "maya-lindqvist"
                     *       },
                     *       "body": "Hard days happen. **Be kind to yourself**: notice the feeling, name it, and take one small step.",
                     *       "bodyHtml": "<p>Hard days happen. <strong>Be kind to yourself</strong>: notice the feeling, name it, and take one small step.</p>",
                     *       "cover": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "height": 853,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *         "width": 1280
                     *       },
                     *       "coverImage": {
                     *         "alt": "A cup of tea on a windowsill in morning light",
                     *         "url": "https://images.example.org/quiet-morning.jpg"
                     *       },
                     *       "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *       "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"BlogPosting\",\"headline\":\"Tea \\u0026 calm\"}",
                     *       "publishedAt": "2026-03-02T09:30:00.000Z",
                     *       "readingTimeMinutes": 6,
                     *       "republishedAt": "2026-11-16T14:30:00.000Z",
                     *       "review": {
                     *         "reviewedAt": "2026-11-02",
                     *         "reviewedBy": "Dr. Samuel Okafor, PsyD",
                     *         "slug": "samuel-okafor"
                     *       },
                     *       "seo": {
                     *         "description": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *         "title": "Being Kind to Yourself on Hard Days"
                     *       },
                     *       "slug": "being-kind-to-yourself",
                     *       "tags": [
                     *         "self-compassion"
                     *       ],
                     *       "title": "Being Kind to Yourself on Hard Days",
                     *       "toc": [
                     *         {
                     *           "id": "start-small",
                     *           "level": 2,
                     *           "text": "Start small"
                     *         }
                     *       ],
                     *       "updatedAt": "2026-03-02T09:30:00.000Z",
                     *       "wordCount": 1380
                     *     }
                     */
                    "application/json": components["schemas"]["ArticleResponse"];
                };
            };
            /** @description Renamed: `Location` is the article’s current URL. */
            301: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listRelatedArticles: {
        parameters: {
            query?: {
                /** @description How many related articles, 1 to 10. */
                limit?: number;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The article’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "author": {
                     *             "credentials": "LMFT",
                     *             "name": "Maya Lindqvist",
                     *             "photo": {
                     *               "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *               "height": 800,
                     *               "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "srcset": {
                     *                 "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *                 "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *                 "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *               },
                     *               "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *               "width": 640
                     *             },
                     *             "slug": "maya-lindqvist"
                     *           },
                     *           "cover": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "height": 853,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *             "width": 1280
                     *           },
                     *           "coverImage": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "url": "https://images.example.org/quiet-morning.jpg"
                     *           },
                     *           "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *           "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "publishedAt": "2026-03-02T09:30:00.000Z",
                     *           "readingTimeMinutes": 6,
                     *           "republishedAt": "2026-11-16T14:30:00.000Z",
                     *           "slug": "being-kind-to-yourself",
                     *           "tags": [
                     *             "self-compassion"
                     *           ],
                     *           "title": "Being Kind to Yourself on Hard Days"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ArticleSummaryResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Renamed: `Location` is the related articles of its current slug. */
            301: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    articlesFeed: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description RSS 2.0 XML; links point at PUBLIC_SITE_URL. */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example <?xml version="1.0" encoding="utf-8"?>
                     *     <rss version="2.0"><channel><title>Well Clinic</title>…</channel></rss>
                     */
                    "application/rss+xml": string;
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "currentPassword": "the-current-passphrase",
                 *       "newPassword": "calm-harbor-lantern-42"
                 *     }
                 */
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /** @description Changed; existing tokens no longer work. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "admin@example.com",
                 *       "password": "the password"
                 *     }
                 */
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Tokens; or, for an account with a second factor, `{ mfaRequired: true, challengeToken }`. */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl",
                     *       "expiresIn": 900,
                     *       "refreshToken": "wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo",
                     *       "refreshTokenExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "sessionId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "tokenType": "Bearer",
                     *       "user": {
                     *         "active": true,
                     *         "createdAt": "2026-03-02T09:30:00.000Z",
                     *         "displayName": "Dana Reyes",
                     *         "email": "frontdesk@wellclinic.example",
                     *         "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *         "mfaEnabled": true,
                     *         "role": "admin",
                     *         "updatedAt": "2026-03-02T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"] | components["schemas"]["MfaChallengeResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    loginMfa: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "challengeToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl",
                 *       "code": "492039",
                 *       "recoveryCode": "k7wm-3fq2-x9tb-hn4c"
                 *     }
                 */
                "application/json": components["schemas"]["MfaLoginRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl",
                     *       "expiresIn": 900,
                     *       "refreshToken": "wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo",
                     *       "refreshTokenExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "sessionId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "tokenType": "Bearer",
                     *       "user": {
                     *         "active": true,
                     *         "createdAt": "2026-03-02T09:30:00.000Z",
                     *         "displayName": "Dana Reyes",
                     *         "email": "frontdesk@wellclinic.example",
                     *         "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *         "mfaEnabled": true,
                     *         "role": "admin",
                     *         "updatedAt": "2026-03-02T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "refreshToken": "wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo"
                 *     }
                 */
                "application/json": components["schemas"]["RefreshTokenRequest"];
            };
        };
        responses: {
            /** @description The session has ended. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "displayName": "Dana Reyes",
                     *       "email": "frontdesk@wellclinic.example",
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *       "mfaEnabled": true,
                     *       "role": "admin",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getNotificationPreferences: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "apiKeysOfDeletedUser": true,
                     *       "newContactRequest": true,
                     *       "replyOverdue": true,
                     *       "webhookEndpointDisabled": false
                     *     }
                     */
                    "application/json": components["schemas"]["NotificationPreferencesResponse"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    updateNotificationPreferences: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "apiKeysOfDeletedUser": true,
                 *       "newContactRequest": true,
                 *       "replyOverdue": true,
                 *       "webhookEndpointDisabled": false
                 *     }
                 */
                "application/json": components["schemas"]["UpdateNotificationPreferencesRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "apiKeysOfDeletedUser": true,
                     *       "newContactRequest": true,
                     *       "replyOverdue": true,
                     *       "webhookEndpointDisabled": false
                     *     }
                     */
                    "application/json": components["schemas"]["NotificationPreferencesResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    enrolTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "otpauthUri": "otpauth://totp/Well%20Clinic:dana%40wellclinic.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Well%20Clinic",
                     *       "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                     *     }
                     */
                    "application/json": components["schemas"]["TotpEnrolmentResponse"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    disableTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "492039",
                 *       "password": "the-current-passphrase"
                 *     }
                 */
                "application/json": components["schemas"]["DisableTotpRequest"];
            };
        };
        responses: {
            /** @description Turned off. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    confirmTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "492039",
                 *       "password": "the-current-passphrase"
                 *     }
                 */
                "application/json": components["schemas"]["ConfirmTotpRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "recoveryCodes": [
                     *         "k7wm-3fq2-x9tb-hn4c",
                     *         "p2rd-8vxe-m4ka-t6yj",
                     *         "w9cs-5nbq-2hzf-r3ue",
                     *         "a6tm-y8pk-4jwd-e7sx",
                     *         "h3qv-c9ra-6mfu-n2bk",
                     *         "z5ex-t2jh-8wcp-q4dm",
                     *         "u7fb-k3ns-9yaq-v6re",
                     *         "d4wh-r6mx-3kbt-j8pz",
                     *         "g8ya-n5cv-7qes-b2wk",
                     *         "m6jt-e4pr-5xhd-s9fa"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["RecoveryCodesResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `conflict` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    requestPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "dana@wellclinic.example"
                 *     }
                 */
                "application/json": components["schemas"]["PasswordResetRequest"];
            };
        };
        responses: {
            /** @description If the address has an active account, a link is on its way. */
            202: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    confirmPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "password": "calm-harbor-lantern-42",
                 *       "token": "wcp_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo"
                 *     }
                 */
                "application/json": components["schemas"]["PasswordResetConfirmRequest"];
            };
        };
        responses: {
            /** @description The password is set; every session has ended. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    refreshSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "refreshToken": "wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo"
                 *     }
                 */
                "application/json": components["schemas"]["RefreshTokenRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdlOWYzYyJ9.c2lnbmF0dXJl",
                     *       "expiresIn": 900,
                     *       "refreshToken": "wcr_Qm9vdHN0cmFwIHRoZSBzZXNzaW9uIHdpdGggYSByZWZyZXNo",
                     *       "refreshTokenExpiresAt": "2026-03-02T09:30:00.000Z",
                     *       "sessionId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "tokenType": "Bearer",
                     *       "user": {
                     *         "active": true,
                     *         "createdAt": "2026-03-02T09:30:00.000Z",
                     *         "displayName": "Dana Reyes",
                     *         "email": "frontdesk@wellclinic.example",
                     *         "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "lastLoginAt": "2026-03-02T09:30:00.000Z",
                     *         "mfaEnabled": true,
                     *         "role": "admin",
                     *         "updatedAt": "2026-03-02T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "current": true,
                     *           "device": "Firefox on Linux",
                     *           "expiresAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "ipPrefix": "192.0.2.0/24",
                     *           "lastUsedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["SessionResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session has ended. */
            204: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    createContactRequest: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string (a UUID) per request; reuse it only to retry that same request, from the same client (credential, or IP address without one): another client never meets your key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "consentToContact": true,
                 *       "consentToText": true,
                 *       "email": "alex@example.org",
                 *       "location": "harbor-street",
                 *       "message": "I would like to talk to someone about anxiety. Evenings work best.",
                 *       "name": "Alex Rivera",
                 *       "phone": "(415) 555-2671",
                 *       "preferredChannel": "text",
                 *       "preferredPractitioner": "elena-marsh",
                 *       "preferredTime": "evening",
                 *       "serviceInterest": "individual-therapy",
                 *       "website": ""
                 *     }
                 */
                "application/json": components["schemas"]["CreateContactRequestRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    /** @description `true` when this answers an earlier request with the same key. */
                    "Idempotent-Replayed"?: "true";
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "crisisNotice": "If you are in crisis, call or text 988.",
                     *       "expectedReplyBy": "2026-03-02T09:30:00.000Z",
                     *       "expectedReplyText": "We'll text you back by Monday 10:00 AM EST.",
                     *       "reference": "CR-7K3F9Q",
                     *       "status": "received"
                     *     }
                     */
                    "application/json": components["schemas"]["ContactRequestReceiptResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unprocessable_entity` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "description": null,
                     *           "exceptions": [
                     *             {
                     *               "closed": true,
                     *               "createdAt": "2026-03-02T09:30:00.000Z",
                     *               "endDate": "2026-12-26",
                     *               "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "key": "text-line",
                     *               "label": "Christmas",
                     *               "periods": [
                     *                 {
                     *                   "closes": "21:00",
                     *                   "opens": "09:00"
                     *                 }
                     *               ],
                     *               "startDate": "2026-12-24",
                     *               "updatedAt": "2026-03-02T09:30:00.000Z"
                     *             }
                     *           ],
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "key": "text-line",
                     *           "name": "Text line",
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "day": "monday",
                     *               "opens": "09:00"
                     *             }
                     *           ],
                     *           "timeZone": "America/New_York",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ScheduleResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The schedule’s key. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "createdAt": "2026-03-02T09:30:00.000Z",
                     *       "description": null,
                     *       "exceptions": [
                     *         {
                     *           "closed": true,
                     *           "createdAt": "2026-03-02T09:30:00.000Z",
                     *           "endDate": "2026-12-26",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "key": "text-line",
                     *           "label": "Christmas",
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "opens": "09:00"
                     *             }
                     *           ],
                     *           "startDate": "2026-12-24",
                     *           "updatedAt": "2026-03-02T09:30:00.000Z"
                     *         }
                     *       ],
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "key": "text-line",
                     *       "name": "Text line",
                     *       "periods": [
                     *         {
                     *           "closes": "21:00",
                     *           "day": "monday",
                     *           "opens": "09:00"
                     *         }
                     *       ],
                     *       "timeZone": "America/New_York",
                     *       "updatedAt": "2026-03-02T09:30:00.000Z"
                     *     }
                     */
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getHoursCalendar: {
        parameters: {
            query?: {
                /** @description Number of days, 1 to 62. */
                days?: number;
                /** @description First local date; today in the schedule’s time zone when absent. Years 1900 to 2200. Example: `2026-12-24`. */
                from?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The schedule’s key. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "days": [
                     *         {
                     *           "date": "2026-03-02",
                     *           "exception": {
                     *             "label": "Thanksgiving"
                     *           },
                     *           "periods": [
                     *             {
                     *               "closes": "21:00",
                     *               "closesAt": "2026-03-02T09:30:00.000Z",
                     *               "opens": "09:00",
                     *               "opensAt": "2026-03-02T09:30:00.000Z"
                     *             }
                     *           ]
                     *         }
                     *       ],
                     *       "key": "text-line",
                     *       "timeZone": "America/New_York"
                     *     }
                     */
                    "application/json": components["schemas"]["CalendarResponse"];
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getHoursSchemaOrg: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The schedule’s key. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "@context": "https://schema.org",
                     *       "@type": "MedicalClinic",
                     *       "name": "Text line",
                     *       "openingHoursSpecification": [
                     *         {
                     *           "@type": "OpeningHoursSpecification",
                     *           "closes": "21:00",
                     *           "dayOfWeek": [
                     *             "https://schema.org/Monday"
                     *           ],
                     *           "opens": "09:00"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/ld+json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getHoursStatus: {
        parameters: {
            query?: {
                /** @description The instant to evaluate; when absent, now, to the minute (so responses within a minute share an ETag). Years 1900 to 2200. Example: `2026-12-24T17:00:00Z`. */
                at?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The schedule’s key. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "at": "2026-03-02T09:30:00.000Z",
                     *       "atLocal": {
                     *         "date": "2026-11-30",
                     *         "time": "09:00"
                     *       },
                     *       "currentPeriod": {
                     *         "closes": "21:00",
                     *         "closesAt": "2026-03-02T09:30:00.000Z",
                     *         "opens": "09:00",
                     *         "opensAt": "2026-03-02T09:30:00.000Z"
                     *       },
                     *       "exception": {
                     *         "label": "Thanksgiving"
                     *       },
                     *       "isOpen": true,
                     *       "key": "text-line",
                     *       "nextClosesAt": "2026-03-02T09:30:00.000Z",
                     *       "nextClosesAtLocal": {
                     *         "date": "2026-11-30",
                     *         "time": "09:00"
                     *       },
                     *       "nextOpensAt": "2026-03-02T09:30:00.000Z",
                     *       "nextOpensAtLocal": {
                     *         "date": "2026-11-30",
                     *         "time": "09:00"
                     *       },
                     *       "timeZone": "America/New_York"
                     *     }
                     */
                    "application/json": components["schemas"]["HoursStatusResponse"];
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getTestimonialSnapshot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "approvedAt": "2026-03-02T09:30:00.000Z",
                     *           "displayName": "Ivette B",
                     *           "featured": true,
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "quote": "I finally feel heard. I leave every session lighter.",
                     *           "rating": 5,
                     *           "service": "couples-therapy",
                     *           "sortOrder": 0
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": "WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0",
                     *         "total": 3
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["TestimonialSnapshotResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listTestimonialChanges: {
        parameters: {
            query?: {
                /** @description `meta.nextCursor` of your last call; absent replays the feed from its beginning. */
                cursor?: string;
                /** @description Changes per call. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "changedAt": "2026-03-02T09:30:00.000Z",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "op": "upsert",
                     *           "seq": 42,
                     *           "testimonial": {
                     *             "approvedAt": "2026-03-02T09:30:00.000Z",
                     *             "displayName": "Ivette B",
                     *             "featured": true,
                     *             "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "quote": "I finally feel heard. I leave every session lighter.",
                     *             "rating": 5,
                     *             "service": "couples-therapy",
                     *             "sortOrder": 0
                     *           }
                     *         }
                     *       ],
                     *       "meta": {
                     *         "hasMore": true,
                     *         "nextCursor": "WyJ0ZXN0aW1vbmlhbC1jaGFuZ2VzIiw0Ml0"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["TestimonialChangesResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unauthorized` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listLocations: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Only telehealth-only (`true`) or only visitable (`false`) locations. */
                telehealthOnly?: boolean;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *           "address": {
                     *             "country": "US",
                     *             "locality": "Portland",
                     *             "postalCode": "97209",
                     *             "region": "OR",
                     *             "street": "1200 Harbor Street, Suite 3"
                     *           },
                     *           "email": "pearl@wellclinic.example",
                     *           "geo": {
                     *             "latitude": 45.5231,
                     *             "longitude": -122.6765
                     *           },
                     *           "hoursKey": "office",
                     *           "name": "Pearl District office",
                     *           "parkingNotes": "Street parking; garage on 12th.",
                     *           "phone": "+15035550142",
                     *           "photo": {
                     *             "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *             "height": 800,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *             "width": 640
                     *           },
                     *           "slug": "pearl-district",
                     *           "telehealthOnly": true
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["LocationResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getLocation: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The location’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accessibilityNotes": "Step-free entrance; lift to all floors.",
                     *       "address": {
                     *         "country": "US",
                     *         "locality": "Portland",
                     *         "postalCode": "97209",
                     *         "region": "OR",
                     *         "street": "1200 Harbor Street, Suite 3"
                     *       },
                     *       "email": "pearl@wellclinic.example",
                     *       "geo": {
                     *         "latitude": 45.5231,
                     *         "longitude": -122.6765
                     *       },
                     *       "hoursKey": "office",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"MedicalClinic\",\"name\":\"Pearl District office\",\"address\":{\"@type\":\"PostalAddress\",\"streetAddress\":\"1200 Harbor Street\",\"addressLocality\":\"Portland\",\"addressCountry\":\"US\"}}",
                     *       "name": "Pearl District office",
                     *       "parkingNotes": "Street parking; garage on 12th.",
                     *       "phone": "+15035550142",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "slug": "pearl-district",
                     *       "telehealthOnly": true
                     *     }
                     */
                    "application/json": components["schemas"]["LocationDetailResponse"];
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listPractitioners: {
        parameters: {
            query?: {
                acceptingNewClients?: boolean;
                /** @description Speaks this language: `es` also finds `es-MX` (BCP 47 prefix). Example: `es`. */
                language?: string;
                /** @description Works at this location (its slug). Example: `harbor-street`. */
                location?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Offers this service (its slug). Example: `individual-therapy`. */
                service?: string;
                /** @description Has this specialty (exact, case-insensitive). Example: `anxiety`. */
                specialty?: string;
                telehealth?: boolean;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "acceptingNewClients": true,
                     *           "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *           "approaches": [
                     *             "EFT",
                     *             "Gottman Method"
                     *           ],
                     *           "credentials": [
                     *             "LMFT"
                     *           ],
                     *           "jobTitle": "Licensed Marriage and Family Therapist",
                     *           "languages": [
                     *             "en",
                     *             "sv"
                     *           ],
                     *           "locations": [
                     *             "harbor-street"
                     *           ],
                     *           "name": "Maya Lindqvist",
                     *           "photo": {
                     *             "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *             "height": 800,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *             "width": 640
                     *           },
                     *           "pronouns": "she/her",
                     *           "services": [
                     *             "couples-therapy"
                     *           ],
                     *           "slug": "maya-lindqvist",
                     *           "specialties": [
                     *             "anxiety",
                     *             "couples"
                     *           ],
                     *           "telehealth": true
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["PractitionerResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getPractitioner: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The practitioner’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "acceptingNewClients": true,
                     *       "acceptingNewClientsNote": "Waitlist for evening slots.",
                     *       "approaches": [
                     *         "EFT",
                     *         "Gottman Method"
                     *       ],
                     *       "bio": "Maya works with couples and families through **big transitions**.",
                     *       "bioHtml": "<p>Maya works with couples and families through <strong>big transitions</strong>.</p>",
                     *       "credentials": [
                     *         "LMFT"
                     *       ],
                     *       "jobTitle": "Licensed Marriage and Family Therapist",
                     *       "jsonLd": "{\"@context\":\"https://schema.org\",\"@type\":\"Person\",\"name\":\"Maya Lindqvist\",\"knowsLanguage\":[\"en\"]}",
                     *       "languages": [
                     *         "en",
                     *         "sv"
                     *       ],
                     *       "licenses": [
                     *         {
                     *           "number": "T1234",
                     *           "state": "OR",
                     *           "type": "LMFT"
                     *         }
                     *       ],
                     *       "locations": [
                     *         "harbor-street"
                     *       ],
                     *       "name": "Maya Lindqvist",
                     *       "photo": {
                     *         "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *         "height": 800,
                     *         "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *         "srcset": {
                     *           "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *           "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *           "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *         },
                     *         "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *         "width": 640
                     *       },
                     *       "pronouns": "she/her",
                     *       "services": [
                     *         "couples-therapy"
                     *       ],
                     *       "slug": "maya-lindqvist",
                     *       "specialties": [
                     *         "anxiety",
                     *         "couples"
                     *       ],
                     *       "telehealth": true
                     *     }
                     */
                    "application/json": components["schemas"]["PractitionerDetailResponse"];
                };
            };
            /** @description Renamed: `Location` is the practitioner’s current URL. */
            301: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listPractitionerArticles: {
        parameters: {
            query?: {
                cursor?: string;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description Only articles with this tag. Example: `anxiety`. */
                tag?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The practitioner’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "author": {
                     *             "credentials": "LMFT",
                     *             "name": "Maya Lindqvist",
                     *             "photo": {
                     *               "alt": "Maya Lindqvist smiling in a sunlit consulting room",
                     *               "height": 800,
                     *               "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *               "srcset": {
                     *                 "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w",
                     *                 "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w",
                     *                 "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w"
                     *               },
                     *               "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg",
                     *               "width": 640
                     *             },
                     *             "slug": "maya-lindqvist"
                     *           },
                     *           "cover": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "height": 853,
                     *             "mediaId": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *             "srcset": {
                     *               "avif": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/1280.avif 1280w",
                     *               "jpeg": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/1280.jpg 1280w",
                     *               "webp": "/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/1280.webp 1280w"
                     *             },
                     *             "url": "/media/3f9a1c0e5b7d2468ace013579bdf2468/1280.jpg",
                     *             "width": 1280
                     *           },
                     *           "coverImage": {
                     *             "alt": "A cup of tea on a windowsill in morning light",
                     *             "url": "https://images.example.org/quiet-morning.jpg"
                     *           },
                     *           "excerpt": "Hard days happen. Be kind to yourself: notice the feeling, name it, and take one small step.",
                     *           "highlight": "Treat yourself as you would a <mark>friend</mark> …",
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "publishedAt": "2026-03-02T09:30:00.000Z",
                     *           "readingTimeMinutes": 6,
                     *           "republishedAt": "2026-11-16T14:30:00.000Z",
                     *           "slug": "being-kind-to-yourself",
                     *           "tags": [
                     *             "self-compassion"
                     *           ],
                     *           "title": "Being Kind to Yourself on Hard Days"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": null,
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 10000,
                     *         "totalIsLowerBound": true,
                     *         "totalPages": 500
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ArticleSummaryResponse"][];
                        meta: components["schemas"]["ArticlePageMeta"];
                    };
                };
            };
            /** @description Renamed: `Location` is the articles of their current slug. */
            301: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listServices: {
        parameters: {
            query?: {
                audience?: components["schemas"]["ServiceAudience"];
                format?: components["schemas"]["ServiceFormat"];
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "audiences": [
                     *             "couples"
                     *           ],
                     *           "description": "For partners who want to **argue less** and understand each other more.",
                     *           "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *           "fee": {
                     *             "currency": "USD",
                     *             "max": 180,
                     *             "min": 140,
                     *             "slidingScale": {
                     *               "min": 60,
                     *               "note": "Ask us: we set the fee with you by income."
                     *             }
                     *           },
                     *           "formats": [
                     *             "in_person"
                     *           ],
                     *           "insuranceAccepted": [
                     *             "Aetna",
                     *             "Blue Shield"
                     *           ],
                     *           "name": "Couples therapy",
                     *           "sessionLengthMinutes": 50,
                     *           "slug": "couples-therapy"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["ServiceResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getService: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The service’s slug. */
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "audiences": [
                     *         "couples"
                     *       ],
                     *       "description": "For partners who want to **argue less** and understand each other more.",
                     *       "descriptionHtml": "<p>For partners who want to <strong>argue less</strong> and understand each other more.</p>",
                     *       "fee": {
                     *         "currency": "USD",
                     *         "max": 180,
                     *         "min": 140,
                     *         "slidingScale": {
                     *           "min": 60,
                     *           "note": "Ask us: we set the fee with you by income."
                     *         }
                     *       },
                     *       "formats": [
                     *         "in_person"
                     *       ],
                     *       "insuranceAccepted": [
                     *         "Aetna",
                     *         "Blue Shield"
                     *       ],
                     *       "name": "Couples therapy",
                     *       "practitioners": [
                     *         {
                     *           "credentials": [
                     *             "LMFT"
                     *           ],
                     *           "name": "Elena Marsh",
                     *           "slug": "elena-marsh"
                     *         }
                     *       ],
                     *       "sessionLengthMinutes": 50,
                     *       "slug": "couples-therapy"
                     *     }
                     */
                    "application/json": components["schemas"]["ServiceDetailResponse"];
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listTags: {
        parameters: {
            query?: {
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "count": 3,
                     *           "tag": "self-compassion"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["TagCountResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    listTestimonials: {
        parameters: {
            query?: {
                /** @description Only featured (`true`) or only other (`false`) testimonials. */
                featured?: boolean;
                /** @description Page number, starting at 1. */
                page?: number;
                /** @description Items per page. */
                pageSize?: number;
                /** @description A service’s slug. Example: `couples-therapy`. */
                service?: string;
            };
            header?: {
                /** @description An ETag from an earlier response. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControl"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "data": [
                     *         {
                     *           "approvedAt": "2026-03-02T09:30:00.000Z",
                     *           "displayName": "Ivette B",
                     *           "featured": true,
                     *           "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *           "quote": "I finally feel heard. I leave every session lighter.",
                     *           "rating": 5,
                     *           "service": "couples-therapy"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "page": 1,
                     *         "pageSize": 20,
                     *         "total": 57,
                     *         "totalPages": 3
                     *       }
                     *     }
                     */
                    "application/json": {
                        data: components["schemas"]["TestimonialResponse"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            /** @description Not modified: the representation matches If-None-Match. */
            304: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    submitTestimonial: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "consent": true,
                 *       "consentTextVersion": "2026-01",
                 *       "firstName": "Ivette",
                 *       "lastName": "B",
                 *       "quote": "I finally feel heard. I leave every session lighter.",
                 *       "rating": 5,
                 *       "service": "couples-therapy",
                 *       "website": ""
                 *     }
                 */
                "application/json": components["schemas"]["SubmitTestimonialRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "0b7e9f3c-5d1a-4c2e-9f8b-7a6d5c4b3a21",
                     *       "status": "pending"
                     *     }
                     */
                    "application/json": components["schemas"]["TestimonialSubmissionResponse"];
                };
            };
            /** @description Problem: `validation_failed`, `malformed_json` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `rate_limited` */
            429: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "details": {
                     *         "database": {
                     *           "responseTime": 12,
                     *           "status": "up"
                     *         }
                     *       },
                     *       "error": {},
                     *       "info": {
                     *         "database": {
                     *           "responseTime": 12,
                     *           "status": "up"
                     *         }
                     *       },
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": components["schemas"]["HealthCheckResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable`, `database_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": components["schemas"]["LivenessResponse"];
                };
            };
            /** @description Problem: `validation_failed` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
            /** @description Problem: `service_unavailable` */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ProblemDetails"];
                };
            };
        };
    };
}
