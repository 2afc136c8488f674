import type { CreateLocationRequest, UpdateLocationRequest } from './dto/location.requests.js';
import type { Location } from './location.entity.js';
import { photoColumns } from './photos.js';

/** The stored columns of the fields a create or update request sends (only those sent). */
export function locationColumns(body: CreateLocationRequest | UpdateLocationRequest): Partial<Location> {
  const columns: Partial<Location> = {};
  if (body.name !== undefined) columns.name = body.name;
  if (body.address !== undefined) {
    Object.assign(columns, {
      street: body.address.street,
      locality: body.address.locality,
      region: body.address.region ?? null,
      postalCode: body.address.postalCode ?? null,
      country: body.address.country,
    });
  }
  if (body.phone !== undefined) columns.phone = body.phone;
  if (body.email !== undefined) columns.email = body.email;
  if (body.geo !== undefined) {
    columns.latitude = body.geo?.latitude ?? null;
    columns.longitude = body.geo?.longitude ?? null;
  }
  if (body.photo !== undefined) Object.assign(columns, photoColumns(body.photo));
  if (body.hoursKey !== undefined) columns.hoursKey = body.hoursKey;
  if (body.accessibilityNotes !== undefined) columns.accessibilityNotes = body.accessibilityNotes;
  if (body.parkingNotes !== undefined) columns.parkingNotes = body.parkingNotes;
  if (body.telehealthOnly !== undefined) columns.telehealthOnly = body.telehealthOnly;
  if (body.published !== undefined) columns.published = body.published;
  if (body.sortOrder !== undefined) columns.sortOrder = body.sortOrder;
  return columns;
}

/** The names of the columns `changes` would change in `current`. */
export function changedFields(current: Location, changes: Partial<Location>): string[] {
  return Object.entries(changes)
    .filter(([key, value]) => current[key as keyof Location] !== value)
    .map(([key]) => key);
}
