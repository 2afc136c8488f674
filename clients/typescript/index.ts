import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** A typed client of the Well Clinic API: paths, parameters, bodies and responses all come from openapi.json. */
export function createWellClinicClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): Client<paths> {
  return createClient<paths>({ ...options, baseUrl });
}
