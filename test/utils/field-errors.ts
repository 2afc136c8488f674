import type request from 'supertest';
import { expectInvalid, expectProblem, type FieldError } from './expect-problem.js';

/**
 * The validation pipe's field errors, as the input suites expect them. `field` is the path reported in
 * `errors[].field`; `name` is the property named in the message (the last segment of a nested path).
 */
export const fieldError = (field: string, message: string): FieldError => ({ field, message });
export const mustBeString = (field: string, name = field) => fieldError(field, `${name} must be a string`);
export const tooLong = (field: string, max: number, name = field) =>
  fieldError(field, `${name} must be shorter than or equal to ${max} characters`);
export const empty = (field: string, name = field) =>
  fieldError(field, `${name} must be longer than or equal to 1 characters`);
export const unknownField = (field: string, name = field.split('.').at(-1)!) =>
  fieldError(field, `property ${name} should not exist`);
export const singleLine = (field: string) =>
  fieldError(field, `${field} must not contain control characters or line breaks`);
export const multiLine = (field: string) =>
  fieldError(field, `${field} must not contain control characters other than line breaks and tabs`);
export const NOT_OBJECT = [fieldError('body', 'the request body must be a JSON object')];
export const NO_BODY = [fieldError('body', 'this operation takes no request body')];

/**
 * A JSON route refuses a request without a body (400), a truncated JSON body (`malformed_json`) and the
 * same fields sent as a form (415). `form` is a valid body whose non-string values are sent as strings.
 */
export async function expectJsonBodyOnly(
  post: () => request.Test,
  path: string,
  form: Record<string, unknown>,
): Promise<void> {
  expectInvalid(await post(), path, NOT_OBJECT);
  const [first] = Object.keys(form);
  expectProblem(await post().set('Content-Type', 'application/json').send(`{"${first}":`), {
    code: 'malformed_json',
    detail: 'The request body is not valid JSON.',
    instance: path,
  });
  expectProblem(await post().type('form').send(form), {
    code: 'unsupported_media_type',
    detail: 'This content type is not accepted; send application/json.',
    instance: path,
  });
}

/** Sends any JSON value as the body, `null` and strings included (supertest would send those as text). */
export const withJson = (req: request.Test, body: unknown): request.Test =>
  req.set('Content-Type', 'application/json').send(JSON.stringify(body));
