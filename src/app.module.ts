import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { ArticlesModule } from './articles/articles.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AccessGuard } from './auth/access.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { type Clock, ClockModule } from './common/clock/clock.js';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter.js';
import { FeatureRegistry } from './common/feature/feature.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { ResponseCache, ResponseCacheModule } from './common/http/caching/index.js';
import { Metrics } from './common/metrics/metrics.js';
import { ResponseHeadersInterceptor } from './common/http/response-headers.js';
import { UndeclaredInputGuard } from './common/validation/undeclared-input.guard.js';
import { createValidationPipe } from './common/validation/validation-pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ContactRequestsModule } from './contact-requests/contact-requests.module.js';
import { DatabaseModule } from './database/database.module.js';
import { SeedRun } from './database/seeding/seed-run.entity.js';
import { HealthModule } from './health/health.module.js';
import { HoursModule } from './hours/hours.module.js';
import { MailModule } from './mail/mail.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { MediaModule } from './media/media.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { LoginFailureInterceptor } from './rate-limit/login-failures.interceptor.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { LocationsModule } from './locations/index.js';
import { PractitionersModule } from './practitioners/index.js';
import { ServicesModule } from './services/index.js';
import { TestimonialsModule } from './testimonials/testimonials.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The feature modules (`@Feature`), in the order Swagger UI lists their tags, demo content is seeded and retention
 * purges run. A new feature is added here and its migrations to the migration list: the platform collects its
 * entities, seeders, tag, problem kinds and purges from its `@Feature` (see README, "Adding a feature module").
 */
export const FEATURES: readonly Type[] = [
  ServicesModule,
  TestimonialsModule,
  ContactRequestsModule,
  HoursModule,
  LocationsModule,
  PractitionersModule,
  // After the practitioners: the demo articles are linked to the demo practitioners by name.
  ArticlesModule,
  MediaModule,
  AuthModule,
  UsersModule,
  ApiKeysModule,
  AuditModule,
  NotificationsModule,
  MailModule,
  HealthModule,
  IdempotencyModule,
  MaintenanceModule,
];

/** What the features give the platform, for the app, the TypeORM CLI, the command-line tasks and the tests. */
export const FEATURE_REGISTRY = new FeatureRegistry(FEATURES, [SeedRun]);

export interface AppModuleOptions {
  config: AppConfig;
  logger: PinoLogger;
  databaseUrl: string;
  /** Extra modules mounted next to the features (test fixtures). */
  imports?: Type[];
  clock: Clock;
  responseCache: ResponseCache;
  metrics: Metrics;
}

@Global()
@Module({})
class FeatureRegistryModule {}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Global: configuration, clock, logging, the response cache and the metrics (and the feature registry).
        ConfigModule.forRoot(options.config),
        ClockModule.forRoot(options.clock),
        ResponseCacheModule.forRoot(options.responseCache),
        MetricsModule.forRoot(options.metrics, options.config),
        {
          module: FeatureRegistryModule,
          providers: [{ provide: FeatureRegistry, useValue: FEATURE_REGISTRY }],
          exports: [FeatureRegistry],
        },
        LoggerModule.forRoot({
          pinoHttp: { logger: options.logger },
          // No per-request middleware and no logging context (see app.factory): an onResponse hook logs each
          // request's completion with its reqId.
          forRoutes: [],
        }),
        DatabaseModule.forRoot(options.databaseUrl, FEATURE_REGISTRY),
        ScheduleModule.forRoot(),
        RateLimitModule,
        ...FEATURES,
        ...(options.imports ?? []),
      ],
      // Every request's pipeline, in order. Guards: rate limits first (so refused credentials still count), then
      // access (deny by default), then undeclared input (so credentials and limits come before complaints about
      // the input). Interceptors: settle sign-in charges, then set the headers routes declare (ETag, Location).
      providers: [
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useExisting: AccessGuard },
        { provide: APP_GUARD, useClass: UndeclaredInputGuard },
        { provide: APP_INTERCEPTOR, useExisting: LoginFailureInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ResponseHeadersInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
