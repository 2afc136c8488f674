import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One dependency's state in a readiness answer. */
export class HealthIndicatorResponse {
  @ApiProperty({ enum: ['up', 'down'], enumName: 'HealthIndicatorStatus', example: 'up' })
  readonly status!: 'up' | 'down';

  @ApiPropertyOptional({ description: 'How long the check took, in ms.', example: 12 })
  readonly responseTime?: number;
}

const INDICATORS = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorResponse) },
  example: { database: { status: 'up', responseTime: 12 } },
} as const;

/** The readiness answer (Terminus' format), documented here rather than by Terminus. */
@ApiExtraModels(HealthIndicatorResponse)
export class HealthCheckResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], enumName: 'HealthCheckStatus', example: 'ok' })
  readonly status!: 'ok' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ ...INDICATORS, description: 'The dependencies that are up.' })
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
