import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../common/validation/decorators.js';

export const MAX_ALT_LENGTH = 250;

const Alt = () =>
  IsText({
    max: MAX_ALT_LENGTH,
    example: 'A quiet consulting room with two armchairs and a window onto a garden',
    description: 'What the picture shows, for screen readers (required: describe it as you would over the phone).',
  });

/** The text fields of an upload (the `file` part is read apart): validated like a JSON body. */
export class UploadMediaFields {
  @Alt()
  readonly alt!: string;
}

/** The whole `multipart/form-data` form, as documented. */
export class UploadMediaForm extends UploadMediaFields {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    example: '(the bytes of consulting-room.jpg)',
    description:
      'One JPEG, PNG, WebP or AVIF image of at most 10 MB and 50 megapixels, recognised by its bytes (not its name ' +
      'or declared type).',
  })
  readonly file!: unknown;
}

export class UpdateMediaRequest {
  @Alt()
  readonly alt!: string;
}
