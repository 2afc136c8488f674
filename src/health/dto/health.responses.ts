import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One dependency's state in a readiness answer. */
export class HealthIndicatorResponse {
  @ApiProperty({
    enum: ['up', 'degraded', 'down', 'off'],
    enumName: 'HealthIndicatorStatus',
    example: 'up',
    description:
      '`degraded`: impaired but not failing readiness (Redis, which only shared rate limits need; email). `off`: not configured (email without SMTP_URL).',
  })
  readonly status!: 'up' | 'degraded' | 'down' | 'off';

  @ApiPropertyOptional({ description: 'How long the check took, in ms.', example: 12 })
  readonly responseTime?: number;

  @ApiPropertyOptional({
    description: 'What is wrong, for a degraded dependency.',
    example: 'Redis does not answer: shared rate limits are degraded',
  })
  readonly message?: string;
}

const INDICATORS = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorResponse) },
  example: { database: { status: 'up', responseTime: 12 } },
} as const;

/** The readiness answer (Terminus' format), documented here rather than by Terminus. */
@ApiExtraModels(HealthIndicatorResponse)
export class HealthCheckResponse {
  @ApiProperty({
    enum: ['ok', 'degraded', 'error', 'shutting_down'],
    enumName: 'HealthCheckStatus',
    example: 'ok',
    description: '`degraded` (still 200): a dependency that readiness does not require is impaired.',
  })
  readonly status!: 'ok' | 'degraded' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ ...INDICATORS, description: 'The dependencies that are up or degraded.' })
  readonly info?: Record<string, HealthIndicatorResponse>;

  @ApiPropertyOptional({ ...INDICATORS, description: 'The dependencies that are down.', example: {} })
  readonly error?: Record<string, HealthIndicatorResponse>;

  @ApiProperty({ ...INDICATORS, description: 'Every dependency checked.' })
  readonly details!: Record<string, HealthIndicatorResponse>;
}

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  readonly status!: 'ok';
}
