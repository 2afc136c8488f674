import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { QueryInt } from '../validation/decorators.js';
import { type CappedTotal, TOTAL_CAP } from './capped-total.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `page` and `pageSize` for every list endpoint; extend it to add filters and a `sort` field. */
export class PaginationQueryDto {
  @QueryInt({ min: 1, max: 1_000_000, default: 1, description: 'Page number, starting at 1.' })
  readonly page: number = 1;

  @QueryInt({ min: 1, max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page.' })
  readonly pageSize: number = DEFAULT_PAGE_SIZE;
}

export class PageMeta {
  @ApiProperty({ example: 1 })
  readonly page!: number;

  @ApiProperty({ example: 20 })
  readonly pageSize!: number;

  @ApiProperty({ example: 57 })
  readonly total!: number;

  @ApiProperty({ example: 3 })
  readonly totalPages!: number;
}

export interface Page<T, M extends PageMeta = PageMeta> {
  data: T[];
  meta: M;
}

/** The list envelope. */
export function toPage<T>(data: T[], total: number, query: { page: number; pageSize: number }): Page<T> {
  return {
    data,
    meta: { page: query.page, pageSize: query.pageSize, total, totalPages: Math.ceil(total / query.pageSize) },
  };
}

const CAP = TOTAL_CAP.toLocaleString('en-US');

/** The meta of a list whose total is counted up to TOTAL_CAP (see capped-total.ts). */
export class CappedPageMeta extends PageMeta {
  @ApiProperty({
    example: TOTAL_CAP,
    description: `How many items the list has, counted up to ${CAP}: see \`totalIsLowerBound\`.`,
  })
  declare readonly total: number;

  @ApiProperty({ example: TOTAL_CAP / 20 })
  declare readonly totalPages: number;

  @ApiPropertyOptional({
    type: Boolean,
    enum: [true],
    example: true,
    description:
      `Present, and true, only when counting stopped at ${CAP} matches: \`total\` is then ${CAP}, a lower bound ` +
      '(`totalPages` follows from it, and further pages may exist). Absent whenever `total` is exact.',
  })
  readonly totalIsLowerBound?: true;
}

/** The list envelope for a capped count: `meta.totalIsLowerBound` only when the count stopped at the cap. */
export function toCappedPage<T>(
  data: T[],
  count: CappedTotal,
  query: { page: number; pageSize: number },
): Page<T, CappedPageMeta> {
  const page = toPage(data, count.total, query);
  return count.capped ? { ...page, meta: { ...page.meta, totalIsLowerBound: true } } : page;
}

/** The same page with each item mapped (entities to response DTOs). */
export function mapPage<T, R, M extends PageMeta>(page: Page<T, M>, map: (item: T) => R): Page<R, M> {
  return { data: page.data.map(map), meta: page.meta };
}

/** SQL offset/limit for a page. */
export function pageWindow(query: { page: number; pageSize: number }): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.pageSize, take: query.pageSize };
}

/** Documents a 200 list envelope of `model` (with `meta`, a PageMeta or an extension of it). */
export function ApiPageResponse(
  model: Type<unknown>,
  description?: string,
  meta: Type<PageMeta> = PageMeta,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(meta, model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['data', 'meta'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          meta: { $ref: getSchemaPath(meta) },
        },
      },
    }),
  );
}
