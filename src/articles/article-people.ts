import { Injectable } from '@nestjs/common';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { EntityManager } from 'typeorm';
import type { ReadTarget } from '../database/read-replicas.js';
import { photoOf, type PhotoResponse } from '../locations/index.js';
import { MediaCatalog } from '../media/index.js';
import type { LinkedPractitionerRow } from './articles.queries.js';
import type { PractitionerLinks } from './article-content.js';
import { ArticlesRepository } from './articles.repository.js';
import type { CreateArticleRequest, UpdateArticleRequest } from './dto/article.requests.js';

/**
 * What a view gains: the slugs of its linked practitioners and the author's photo, in the shape practitioners' own
 * responses give it (null: none linked, not shown, or no photo).
 */
export interface PeopleSlugs {
  authorSlug: string | null;
  authorPhoto: PhotoResponse | null;
  reviewerSlug: string | null;
}

interface Linked {
  authorPractitionerId: string | null;
  reviewedByPractitionerId?: string | null;
}

/**
 * The practitioners articles name as author and reviewer: staff write them by slug, responses show their slugs (and
 * the author's photo). The public sees them only while the practitioner is published (a link to a hidden one would be
 * a 404); staff see them always.
 */
@Injectable()
export class ArticlePeople {
  constructor(
    private readonly articles: ArticlesRepository,
    private readonly media: MediaCatalog,
  ) {}

  /** The ids of the practitioners a request names; an unknown slug is 400 naming its field. */
  async resolve(
    body: CreateArticleRequest | UpdateArticleRequest,
    manager?: EntityManager,
  ): Promise<PractitionerLinks> {
    const named = [
      { field: 'author.practitioner', slug: body.author?.practitioner },
      { field: 'review.practitioner', slug: body.review?.practitioner },
    ];
    const slugs = named.flatMap((n) => (typeof n.slug === 'string' ? [n.slug] : []));
    const ids = await this.articles.practitionerIds(slugs, manager);
    const unknown = named.filter((n) => typeof n.slug === 'string' && !ids.has(n.slug));
    if (unknown.length > 0) {
      throw validationFailed(
        unknown.map((n) => ({ field: n.field, message: `${n.field} must be the slug of a practitioner` })),
      );
    }
    const idOf = (slug: string | null | undefined) => (typeof slug === 'string' ? ids.get(slug) : slug);
    return { author: idOf(body.author?.practitioner), reviewer: idOf(body.review?.practitioner) };
  }

  /** The practitioner ids of `links` that still exist (one deleted since a revision was saved reads as none). */
  async existing(
    links: { author: string | null; reviewer: string | null },
    manager?: EntityManager,
  ): Promise<PractitionerLinks> {
    const found = await this.articles.existingPractitioners(
      [links.author, links.reviewer].filter((id): id is string => id !== null),
      manager,
    );
    const keep = (id: string | null) => (id !== null && found.has(id) ? id : null);
    return { author: keep(links.author), reviewer: keep(links.reviewer) };
  }

  /**
   * The views with their practitioners' slugs and the author's photo: one query for a whole page, photos' media items
   * joined in it; none when nothing is linked.
   */
  async attach<T extends Linked>(views: T[], staff = false, on?: ReadTarget): Promise<(T & PeopleSlugs)[]> {
    const ids = views.flatMap((v) => [v.authorPractitionerId, v.reviewedByPractitionerId ?? null]);
    const people = await this.articles.linkedPractitioners(
      ids.filter((id): id is string => id !== null),
      staff,
      on,
    );
    const find = (id: string | null | undefined) => (id ? people.get(id) : undefined);
    return views.map((v) => {
      const author = find(v.authorPractitionerId);
      return {
        ...v,
        authorSlug: author?.slug ?? null,
        authorPhoto: author ? this.photo(author) : null,
        reviewerSlug: find(v.reviewedByPractitionerId)?.slug ?? null,
      };
    });
  }

  /** As the practitioner's own responses show it: their alt text, else the media item's. */
  private photo(row: LinkedPractitionerRow): PhotoResponse | null {
    const media =
      row.photo_media_id !== null && row.media_hash !== null && row.media_variants !== null
        ? this.media.image({
            id: row.photo_media_id,
            hash: row.media_hash,
            alt: row.media_alt ?? '',
            variants: row.media_variants,
          })
        : null;
    return photoOf({ photoMediaId: row.photo_media_id, photoAlt: row.photo_alt }, media);
  }

  async attachOne<T extends Linked>(view: T, staff = false, on?: ReadTarget): Promise<T & PeopleSlugs> {
    return (await this.attach([view], staff, on))[0];
  }
}
