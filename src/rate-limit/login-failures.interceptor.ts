import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, map, mergeMap, type Observable, throwError } from 'rxjs';
import type { RateLimitPolicy } from '../config/app-config.js';
import type { CounterStore } from './fixed-window.js';
import { isCredentialFailure, LOGIN_CHARGES } from './login-failures.js';
import { RATE_LIMIT_OPT_INS, RATE_LIMIT_SKIP } from './rate-limit.decorators.js';
import { RATE_LIMIT_STORAGE } from './rate-limit.options.js';

/**
 * The other half of the login policy (see RateLimitGuard.loginBudget): the guard charged the attempt as a failure;
 * unless the handler refused the credential (an error marked `credentialFailure`), the charge is refunded before
 * the response leaves. So successes, validation errors and the like count nothing, and the next attempt sees
 * the counters as they should be.
 */
@Injectable()
export class LoginFailureInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: CounterStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    const skip = this.reflector.getAllAndOverride<boolean | undefined>(RATE_LIMIT_SKIP, targets) === true;
    const optIns = this.reflector.getAllAndMerge<RateLimitPolicy[]>(RATE_LIMIT_OPT_INS, targets) ?? [];
    if (skip || !optIns.includes('login')) return next.handle();
    const request = context.switchToHttp().getRequest<object>();
    return next.handle().pipe(
      mergeMap((value: unknown) => from(this.refund(request)).pipe(map(() => value))),
      catchError((error: unknown) =>
        from(isCredentialFailure(error) ? this.keep(request) : this.refund(request)).pipe(
          mergeMap(() => throwError(() => error)),
        ),
      ),
    );
  }

  private keep(request: object): Promise<void> {
    LOGIN_CHARGES.delete(request);
    return Promise.resolve();
  }

  private async refund(request: object): Promise<void> {
    const charged = LOGIN_CHARGES.get(request) ?? [];
    LOGIN_CHARGES.delete(request);
    for (const key of charged) await this.storage.refund(key);
  }
}
