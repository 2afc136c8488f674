import type { Testimonial, TestimonialStatus } from './testimonial.entity.js';

/** What the public website shows of an approved testimonial. */
export interface TestimonialPublicView {
  id: string;
  quote: string;
  displayName: string;
  service: string | null;
  rating: number | null;
  featured: boolean;
  approvedAt: string;
}

/** What integrations receive: the public view plus the staff's order, so partner sites can show the same order. */
export interface TestimonialFeedView extends TestimonialPublicView {
  sortOrder: number;
}

/** Runs of white space inside a name become one space. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\s+/gu, ' ');
}

/**
 * A last name reduced to its first letter, upper case ("van Buren" → "V", "Ørsted" → "Ø"); undefined when it has
 * no letter. Only the initial is ever stored.
 */
export function lastInitialOf(lastName: string): string | undefined {
  const letter = /\p{L}/u.exec(lastName)?.[0];
  if (letter === undefined) return undefined;
  const upper = letter.toUpperCase();
  // Some letters upper-case to two ("ß" → "SS"): keep the letter as written then.
  return [...upper].length === 1 ? upper : letter;
}

/** "Ivette B": how a testimonial is signed. */
export function displayNameOf(firstName: string | null, lastInitial: string | null): string {
  return [firstName, lastInitial].filter(Boolean).join(' ');
}

/** Public means approved and not erased; consent is recorded for every testimonial (the columns are required). */
export function isPublic(t: Testimonial): boolean {
  return t.status === 'approved' && t.quote !== null && t.approvedAt !== null;
}

export function publicView(t: Testimonial): TestimonialPublicView {
  return {
    id: t.id,
    quote: t.quote ?? '',
    displayName: displayNameOf(t.firstName, t.lastInitial),
    service: t.service,
    rating: t.rating,
    featured: t.featured,
    approvedAt: (t.approvedAt ?? t.createdAt).toISOString(),
  };
}

export function feedView(t: Testimonial): TestimonialFeedView {
  return { ...publicView(t), sortOrder: t.sortOrder };
}

/** Did the change alter what the public set (and so the integrations) see of it? */
export function publicChange(
  before: TestimonialFeedView | undefined,
  after: Testimonial,
): 'upsert' | 'delete' | undefined {
  const nowPublic = isPublic(after);
  if (!nowPublic) return before ? 'delete' : undefined;
  const view = feedView(after);
  if (before && JSON.stringify(before) === JSON.stringify(view)) return undefined;
  return 'upsert';
}

export type TestimonialAction = 'approve' | 'reject' | 'withdraw';

/**
 * Which statuses each moderation step may start from. Withdrawal is final: nothing leaves `withdrawn`. A rejected
 * testimonial (spam included: a person's browser may fill the hidden field) can still be approved by staff.
 */
export const TRANSITIONS: Record<TestimonialAction, { from: readonly TestimonialStatus[]; to: TestimonialStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending', 'approved'], to: 'rejected' },
  withdraw: { from: ['pending', 'approved', 'rejected'], to: 'withdrawn' },
};

/** What withdrawal leaves of the words and the name: nothing (id, status, consent record and dates stay). */
export const ERASED = {
  quote: null,
  firstName: null,
  lastInitial: null,
  rating: null,
  featured: false,
} as const satisfies Partial<Testimonial>;

export function erase(t: Testimonial): void {
  Object.assign(t, ERASED);
}
