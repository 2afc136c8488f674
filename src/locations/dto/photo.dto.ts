import { ApiProperty } from '@nestjs/swagger';
import { IsText, ValidateUUID } from '../../common/validation/decorators.js';

/** A photo from the media library, referenced as article covers reference theirs. */
export class PhotoInput {
  /** A media library item (`/api/v1/admin/media`); one that does not exist is refused. */
  @ValidateUUID()
  readonly mediaId!: string;

  /** What the picture shows, for screen readers. Left out or null: the media item's alt is shown (and follows its edits). */
  @IsText({ max: 250, optional: true, nullable: true, example: 'Maya Lindqvist smiling in a sunlit consulting room' })
  readonly alt?: string | null;
}

/** A ready `srcset` per format (see the media library). */
export class PhotoSrcsetResponse {
  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.avif 320w, …/640.avif 640w' })
  readonly avif!: string;

  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.webp 320w, …/640.webp 640w' })
  readonly webp!: string;

  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/320.jpg 320w, …/640.jpg 640w' })
  readonly jpeg!: string;
}

/**
 * A photo as a front end renders it, in the shape of an article's `cover`: the widest JPEG (`url`), its size, the alt
 * text and a `srcset` per format (AVIF and WebP in `<source>`, JPEG on the `<img>`).
 */
export class PhotoResponse {
  @ApiProperty({ example: '/media/3f9a1c0e5b7d2468ace013579bdf2468/640.jpg' })
  readonly url!: string;

  @ApiProperty({ example: 'Maya Lindqvist smiling in a sunlit consulting room' })
  readonly alt!: string;

  /** Of the image at `url`. */
  @ApiProperty({ example: 640 })
  readonly width!: number;

  @ApiProperty({ example: 800 })
  readonly height!: number;

  @ApiProperty({ type: PhotoSrcsetResponse })
  readonly srcset!: PhotoSrcsetResponse;

  @ApiProperty({ format: 'uuid' })
  readonly mediaId!: string;
}
