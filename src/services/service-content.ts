import { renderBody } from '../articles/index.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import type { CreateServiceRequest, FeeInput, UpdateServiceRequest } from './dto/service.requests.js';
import type { Service } from './service.entity.js';

/** The stored columns of a service's editable fields (the description rendered), after `edits`. */
export type ServiceFields = Omit<
  Service,
  'id' | 'slug' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'
>;

/** The fee's columns; a range upside down or a sliding scale above the lowest fee is the client's error. */
export function feeColumns(
  fee: FeeInput | null | undefined,
): Pick<Service, 'feeMin' | 'feeMax' | 'feeCurrency' | 'slidingScaleMin' | 'slidingScaleNote'> {
  if (!fee) return { feeMin: null, feeMax: null, feeCurrency: null, slidingScaleMin: null, slidingScaleNote: null };
  const errors = [];
  if (fee.min > fee.max) errors.push({ field: 'fee.max', message: 'fee.max must not be below fee.min' });
  if (fee.slidingScale && fee.slidingScale.min > fee.min) {
    errors.push({ field: 'fee.slidingScale.min', message: 'fee.slidingScale.min must not be above fee.min' });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return {
    feeMin: fee.min,
    feeMax: fee.max,
    feeCurrency: fee.currency.toUpperCase(),
    slidingScaleMin: fee.slidingScale?.min ?? null,
    slidingScaleNote: fee.slidingScale?.note ?? null,
  };
}

/** A new service's columns. */
export function newServiceFields(body: CreateServiceRequest): ServiceFields {
  return {
    name: body.name,
    description: body.description,
    descriptionHtml: renderBody(body.description).html,
    audiences: body.audiences,
    formats: body.formats,
    sessionLengthMinutes: body.sessionLengthMinutes ?? null,
    ...feeColumns(body.fee),
    insuranceAccepted: body.insuranceAccepted ?? [],
    published: body.published ?? false,
    sortOrder: body.sortOrder ?? 0,
  };
}

/** The columns an update sets (only those sent), and which fields they change. */
export function serviceEdits(
  current: Service,
  body: UpdateServiceRequest,
): { changes: Partial<Service>; fields: string[] } {
  const changes: Partial<Service> = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.description !== undefined) {
    changes.description = body.description;
    changes.descriptionHtml = renderBody(body.description).html;
  }
  if (body.audiences !== undefined) changes.audiences = body.audiences;
  if (body.formats !== undefined) changes.formats = body.formats;
  if (body.sessionLengthMinutes !== undefined) changes.sessionLengthMinutes = body.sessionLengthMinutes;
  if (body.fee !== undefined) Object.assign(changes, feeColumns(body.fee));
  if (body.insuranceAccepted !== undefined) changes.insuranceAccepted = body.insuranceAccepted;
  if (body.published !== undefined) changes.published = body.published;
  if (body.sortOrder !== undefined) changes.sortOrder = body.sortOrder;
  const fields = Object.entries(changes)
    .filter(([key, value]) => JSON.stringify(current[key as keyof Service]) !== JSON.stringify(value))
    .map(([key]) => key)
    .filter((key) => key !== 'descriptionHtml');
  return { changes, fields };
}
