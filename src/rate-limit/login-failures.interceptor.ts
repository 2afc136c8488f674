import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AppConfig, type RateLimitPolicy } from '../config/app-config.js';
import type { CounterStore } from './fixed-window.js';
import { isCredentialFailure, loginFailureKeys } from './login-failures.js';
import { RATE_LIMIT_OPT_INS, RATE_LIMIT_SKIP } from './rate-limit.decorators.js';
import { clientKey, loginEmail } from './rate-limit.keys.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';

/** Failure counters never block by themselves (the guard reads them): a limit they never reach. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Counts a refused credential on a route under the login policy, before the 401 (or 400) leaves: against the
 * client's IP, and with an email, against the email and the (email, IP) pair. Successes and other errors count
 * nothing. The guard reads these counters before the next attempt.
 */
@Injectable()
export class LoginFailureInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const skip = this.reflector.getAllAndOverride<boolean | undefined>(RATE_LIMIT_SKIP, targets) === true;
    const optIns = this.reflector.getAllAndMerge<RateLimitPolicy[]>(RATE_LIMIT_OPT_INS, targets) ?? [];
    if (skip || !optIns.includes('login')) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          from(isCredentialFailure(error) ? this.count(request) : Promise.resolve()).pipe(
            mergeMap(() => throwError(() => error)),
          ),
        ),
      );
  }

  private async count(request: FastifyRequest): Promise<void> {
    const windowMs = this.config.rateLimits.login.windowSeconds * 1000;
    const keys = loginFailureKeys(clientKey(request.ip), loginEmail(request.body));
    for (const key of [keys.ip, keys.email, keys.emailFromIp]) {
      if (key !== undefined) await this.storage.increment(key, windowMs, NEVER, windowMs, 'login');
    }
  }
}
