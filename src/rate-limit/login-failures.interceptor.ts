import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, tap, throwError } from 'rxjs';
import { markLoginFailure } from './login-failures.js';
import { RATE_LIMIT_LOGIN_COUNTS_SUCCESS, RATE_LIMIT_LOGIN_FAILED_WHEN } from './rate-limit.decorators.js';

/**
 * The second part of the login policy (see RateLimitGuard.loginBudget): the guard charged the attempt as a failure;
 * when the route's handler refused the credential (an error its `@LoginRateLimit({ failedWhen })` recognizes), this
 * marks the charge to be kept. Every other outcome, including those that never reach this interceptor (a later
 * guard's 401 or 400), is refunded when the reply is sent (`loginChargeSettler`).
 */
@Injectable()
export class LoginFailureInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const failedWhen = this.reflector.getAllAndOverride<((error: unknown) => boolean) | undefined>(
      RATE_LIMIT_LOGIN_FAILED_WHEN,
      [context.getHandler(), context.getClass()],
    );
    if (failedWhen === undefined) return next.handle();
    const request = context.switchToHttp().getRequest<object>();
    const countsSuccess = this.reflector.get<boolean | undefined>(
      RATE_LIMIT_LOGIN_COUNTS_SUCCESS,
      context.getHandler(),
    );
    return next.handle().pipe(
      tap(() => {
        if (countsSuccess) markLoginFailure(request);
      }),
      catchError((error: unknown) => {
        if (failedWhen(error)) markLoginFailure(request);
        return throwError(() => error);
      }),
    );
  }
}
