import { renderBody } from '../articles/index.js';
import { photoColumns } from '../locations/index.js';
import type { CreatePractitionerRequest, UpdatePractitionerRequest } from './dto/practitioner.requests.js';
import { canonicalLanguage } from './languages.js';
import type { Practitioner } from './practitioner.entity.js';

/** The stored columns of the fields a request sends (only those sent); the bio rendered, languages canonical. */
export function practitionerColumns(
  body: CreatePractitionerRequest | UpdatePractitionerRequest,
): Partial<Practitioner> {
  const columns: Partial<Practitioner> = {};
  if (body.name !== undefined) columns.name = body.name;
  if (body.slug !== undefined) columns.slug = body.slug;
  if (body.pronouns !== undefined) columns.pronouns = body.pronouns;
  if (body.jobTitle !== undefined) columns.jobTitle = body.jobTitle;
  if (body.credentials !== undefined) columns.credentials = body.credentials;
  if (body.licenses !== undefined) {
    columns.licenses = body.licenses.map(({ state, type, number, public: isPublic }) => ({
      state,
      type,
      number,
      public: isPublic,
    }));
  }
  if (body.bio !== undefined) {
    columns.bio = body.bio;
    columns.bioHtml = renderBody(body.bio).html;
  }
  if (body.photo !== undefined) Object.assign(columns, photoColumns(body.photo));
  if (body.specialties !== undefined) columns.specialties = body.specialties;
  if (body.approaches !== undefined) columns.approaches = body.approaches;
  if (body.languages !== undefined) {
    columns.languages = [...new Set(body.languages.map((tag) => canonicalLanguage(tag) ?? tag))];
  }
  if (body.telehealth !== undefined) columns.telehealth = body.telehealth;
  if (body.acceptingNewClients !== undefined) columns.acceptingNewClients = body.acceptingNewClients;
  if (body.acceptingNewClientsNote !== undefined) columns.acceptingNewClientsNote = body.acceptingNewClientsNote;
  if (body.sortOrder !== undefined) columns.sortOrder = body.sortOrder;
  if (body.published !== undefined) columns.published = body.published;
  return columns;
}

/** The defaults of a new practitioner's optional fields. */
export const NEW_PRACTITIONER: Omit<
  Practitioner,
  'id' | 'slug' | 'name' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'
> = {
  pronouns: null,
  jobTitle: null,
  credentials: [],
  licenses: [],
  photoMediaId: null,
  photoAlt: null,
  bio: '',
  bioHtml: '',
  specialties: [],
  approaches: [],
  languages: [],
  telehealth: false,
  acceptingNewClients: true,
  acceptingNewClientsNote: null,
  sortOrder: 0,
  published: false,
};

/** The names of the fields `changes` would change in `current` (JSON equality: lists and licences too). */
export function changedFields(current: Practitioner, changes: Partial<Practitioner>): string[] {
  return Object.entries(changes)
    .filter(([key, value]) => JSON.stringify(current[key as keyof Practitioner]) !== JSON.stringify(value))
    .map(([key]) => key)
    .filter((key) => key !== 'bioHtml');
}
