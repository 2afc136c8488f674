import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { type Clock, ClockModule } from './common/clock/clock.js';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter.js';
import { ResponseCache, ResponseCacheModule } from './common/http/response-cache.js';
import { UndeclaredInputModule } from './common/validation/undeclared-input.guard.js';
import { createValidationPipe } from './common/validation/validation-pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { HoursModule } from './hours/hours.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { ArticlesModule } from './articles/articles.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { TestimonialsModule } from './testimonials/testimonials.module.js';
import { DataCipherModule } from './common/crypto/data-cipher.module.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { ContactRequestsModule } from './contact-requests/contact-requests.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  logger: PinoLogger;
  databaseUrl: string;
  /** Extra modules mounted next to the features (test fixtures). */
  imports?: Type[];
  clock: Clock;
  responseCache: ResponseCache;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        ClockModule.forRoot(options.clock),
        ResponseCacheModule.forRoot(options.responseCache),
        LoggerModule.forRoot({
          pinoHttp: { logger: options.logger },
          // No per-request middleware and no logging context (see app.factory): an onResponse hook logs each
          // request's completion with its reqId.
          forRoutes: [],
        }),
        DatabaseModule.forRoot(options.databaseUrl),
        ScheduleModule.forRoot(),
        DataCipherModule,
        IdempotencyModule,
        NotificationsModule,
        HealthModule,
        // Before AuthModule: global guards run in import order, so refused credentials still count.
        RateLimitModule,
        AuditModule,
        AuthModule,
        UndeclaredInputModule,
        HoursModule,
        ArticlesModule,
        TestimonialsModule,
        ContactRequestsModule,
        ...(options.imports ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
