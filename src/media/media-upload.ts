import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app-exception.js';
import type { FieldError } from '../common/errors/problem-details.js';
import { createValidationPipe, validationFailed } from '../common/validation/validation-pipe.js';
import { UploadMediaFields } from './dto/media.requests.js';

/** The largest upload taken (413 beyond). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** The form fields: `file` and `alt`; a few more parts are read only to name them in the 400. */
const PART_LIMITS = { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 8, fieldSize: 4096, parts: 10, headerPairs: 20 };

export interface Upload {
  file: Buffer;
  fields: UploadMediaFields;
}

const fieldsPipe = createValidationPipe();

const multipartCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;

/** What @fastify/multipart and busboy throw, as this API's problems. */
function asProblem(error: unknown): unknown {
  switch (multipartCode(error)) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppException('payload_too_large', `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
    case 'FST_FILES_LIMIT':
      return validationFailed([{ field: 'file', message: 'send one file only' }]);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return validationFailed([{ field: 'body', message: 'the form has too many parts: send file and alt only' }]);
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return validationFailed([{ field: 'body', message: 'the form has a part this operation does not take' }]);
    default:
      if (error instanceof AppException) return error;
      // busboy: a malformed body (no boundary, a part cut short, a premature end).
      if (error instanceof Error) return new AppException('bad_request', 'The multipart body is malformed.');
      return error;
  }
}

/**
 * Reads a `multipart/form-data` upload: one `file` part (at most MAX_UPLOAD_BYTES) and the text fields, validated
 * like a JSON body (unknown fields refused, `alt` required and bounded). Anything but multipart is 415.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppException('unsupported_media_type', 'Send the image as multipart/form-data (fields file and alt).');
  }
  const fields: Record<string, string> = {};
  const errors: FieldError[] = [];
  let file: Buffer | undefined;
  try {
    for await (const part of request.parts({ limits: PART_LIMITS })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.fieldname === 'file') file = data;
        else errors.push({ field: part.fieldname, message: `property ${part.fieldname} should not exist` });
      } else if (part.fieldname === 'file') {
        errors.push({ field: 'file', message: 'file must be a file part, not a text field' });
      } else if (part.fieldname in fields) {
        errors.push({ field: part.fieldname, message: `${part.fieldname} must be sent once` });
      } else if (part.valueTruncated) {
        errors.push({ field: part.fieldname, message: `${part.fieldname} is too long` });
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw asProblem(error);
  }
  if (!file && !errors.some((e) => e.field === 'file')) errors.push({ field: 'file', message: 'file is required' });
  else if (file?.length === 0) errors.push({ field: 'file', message: 'file must not be empty' });
  let validated: UploadMediaFields | undefined;
  try {
    validated = (await fieldsPipe.transform(fields, {
      type: 'body',
      metatype: UploadMediaFields,
    })) as UploadMediaFields;
  } catch (error) {
    if (!(error instanceof AppException) || error.code !== 'validation_failed') throw error;
    errors.unshift(...(error.options.errors ?? []));
  }
  if (errors.length > 0 || !file || !validated) throw validationFailed(errors);
  return { file, fields: validated };
}
