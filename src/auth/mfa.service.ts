import './auth.problems.js';
import { Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { EntityManager } from 'typeorm';
import { AuditLog, type AuditContext } from '../common/audit/audit-log.js';
import { Clock } from '../common/clock/clock.js';
import { DataCipher } from '../common/crypto/data-cipher.js';
import { AppException } from '../common/errors/app-exception.js';
import { validationFailed } from '../common/validation/validation-pipe.js';
import { AppConfig } from '../config/app-config.js';
import { AttemptBudget } from '../rate-limit/index.js';
import {
  totpSecretContext,
  type User,
  UserCredentialsRepository,
  UserSessionsRepository,
  UsersRepository,
  verifyPassword,
} from '../users/index.js';
import { credentialFailure, isCredentialFailure } from './credential-failure.js';
import { type IssuedTokens, type SessionClient, SessionsService } from './sessions.service.js';
import { TokenService } from './token.service.js';

/** The audience of a sign-in's challenge token: it proves the password, and nothing else. */
const CHALLENGE_AUDIENCE = 'well-clinic-mfa-challenge';
const CHALLENGE_TTL_MS = 5 * 60_000;
const RECOVERY_CODES = 10;
/** No 0/o, 1/l/i: read from paper without doubt. 32 symbols, so 16 of them are 80 bits. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'.padEnd(32, 'x');
const ISSUER = 'Well Clinic';
/**
 * Wrong codes per account over a day, on top of the login window's budget (which refills every minute): past it,
 * 429 until the day's window ends or an admin resets the factor (DELETE /api/v1/admin/users/{id}/mfa).
 */
export const MFA_DAILY_FAILURE_CAP = { limit: 20, windowSeconds: 24 * 60 * 60 } as const;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
/** A recovery code as typed: case, spaces and dashes do not matter. */
const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

function newRecoveryCode(): string {
  const chars = Array.from({ length: 16 }, () => RECOVERY_ALPHABET[randomInt(32)]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

const badChallenge = () =>
  new AppException('unauthorized', 'The sign-in challenge is not valid or has expired: sign in again.');
/** One answer for a wrong password, a wrong code or both: which one failed is not told. */
const wrongPasswordOrCode = () =>
  credentialFailure(new AppException('validation_failed', 'password or code is not correct'));
const wrongSecondFactor = () => credentialFailure(new AppException('unauthorized', 'The code is not correct.'));

/**
 * The second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30 s, `otplib`) with ten single-use recovery codes. The secret is
 * kept encrypted with the data key; a code is accepted once (the time step of the last accepted code is kept), with a
 * step of clock drift either way. Code attempts are limited per account (AttemptBudget, the login limits, and at most
 * MFA_DAILY_FAILURE_CAP wrong codes a day), whatever the client, and per client IP by the route's LoginRateLimit: a
 * guessed code needs the password first, and then a million tries.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly users: UsersRepository,
    private readonly credentials: UserCredentialsRepository,
    private readonly userSessions: UserSessionsRepository,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly cipher: DataCipher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly budget: AttemptBudget,
    private readonly config: AppConfig,
  ) {}

  /** Whether the user's role requires a second factor they do not have yet (they may only enrol). */
  mustEnrol(user: Pick<User, 'role' | 'totpEnabledAt'>): boolean {
    return user.totpEnabledAt === null && this.config.auth.mfaRequiredRoles.includes(user.role);
  }

  /** A new secret, pending until confirmed with a code; 409 when a second factor is already on. */
  enrol(userId: string, ctx: AuditContext): Promise<{ secret: string; otpauthUri: string }> {
    return this.users.transaction(async (manager) => {
      const user = await this.lockUser(userId, manager);
      if (user.totpEnabledAt) {
        throw new AppException('conflict', 'A second factor is already on: turn it off first to enrol another device.');
      }
      const secret = generateSecret();
      await this.users.update(
        user.id,
        { totpSecretCipher: this.cipher.encrypt(secret, totpSecretContext(user.id)), totpLastStep: null },
        manager,
      );
      await this.audit.record(manager, ctx, {
        action: 'auth.mfa_enrolment_started',
        entityType: 'user',
        entityId: user.id,
      });
      return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
    });
  }

  /**
   * Turns the pending secret on with the password and a code from the app; returns the recovery codes, shown this
   * once. The user's other sessions end (`keepSessionId`, the caller's, stays).
   */
  confirm(
    userId: string,
    password: string,
    code: string,
    keepSessionId: string | undefined,
    ctx: AuditContext,
  ): Promise<{ recoveryCodes: string[] }> {
    return this.limited(userId, () =>
      this.users.transaction(async (manager) => {
        const user = await this.lockUser(userId, manager);
        if (user.totpEnabledAt) throw new AppException('conflict', 'The second factor is already on.');
        if (!user.totpSecretCipher) {
          throw new AppException(
            'conflict',
            'There is no enrolment to confirm: start one with POST /api/v1/auth/mfa/totp.',
          );
        }
        await this.checkPasswordAndCode(user, password, code, manager);
        const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
        await this.credentials.replaceRecoveryCodes(
          user.id,
          recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c))),
          manager,
        );
        await this.users.update(user.id, { totpEnabledAt: this.clock.now() }, manager);
        const ended = await this.endOtherSessions(user.id, keepSessionId, manager);
        await this.audit.record(manager, ctx, {
          action: 'auth.mfa_enabled',
          entityType: 'user',
          entityId: user.id,
          metadata: { sessionsEnded: ended },
        });
        return { recoveryCodes };
      }),
    );
  }

  /** Turns the second factor off, with the password and a current code; the user's other sessions end. */
  disable(
    userId: string,
    password: string,
    code: string,
    keepSessionId: string | undefined,
    ctx: AuditContext,
  ): Promise<void> {
    return this.limited(userId, () =>
      this.users.transaction(async (manager) => {
        const user = await this.lockUser(userId, manager);
        if (!user.totpEnabledAt) throw new AppException('conflict', 'There is no second factor to turn off.');
        await this.checkPasswordAndCode(user, password, code, manager);
        await this.clear(user.id, manager);
        const ended = await this.endOtherSessions(user.id, keepSessionId, manager);
        await this.audit.record(manager, ctx, {
          action: 'auth.mfa_disabled',
          entityType: 'user',
          entityId: user.id,
          metadata: { sessionsEnded: ended },
        });
      }),
    );
  }

  /** An admin removes another user's second factor (a lost phone and lost codes): they sign in with the password. */
  reset(userId: string, ctx: AuditContext): Promise<void> {
    return this.users
      .transaction(async (manager) => {
        const user = await this.users.findForUpdate(userId, manager);
        if (!user) throw new AppException('not_found', 'No user with this id.');
        const had = user.totpEnabledAt !== null;
        await this.clear(user.id, manager);
        await this.audit.record(manager, ctx, {
          action: 'user.mfa_reset',
          entityType: 'user',
          entityId: user.id,
          metadata: { hadSecondFactor: had },
        });
      })
      .then(() => this.budget.reset({ purpose: 'mfa', subject: userId }));
  }

  /** The challenge a sign-in with a second factor answers with: 5 minutes to send a code. */
  challenge(user: User): Promise<string> {
    const now = this.clock.now();
    return this.tokens.signFor(
      CHALLENGE_AUDIENCE,
      { sub: user.id, ver: user.tokenVersion },
      now,
      new Date(now.getTime() + CHALLENGE_TTL_MS),
    );
  }

  /** The second step of a sign-in: a code (or a recovery code) for the challenge; a new session. */
  async completeLogin(
    challengeToken: string,
    proof: { code?: string; recoveryCode?: string },
    client: SessionClient,
    ctx: AuditContext,
  ): Promise<IssuedTokens> {
    if ((proof.code === undefined) === (proof.recoveryCode === undefined)) {
      throw validationFailed([{ field: 'code', message: 'send either code or recoveryCode' }]);
    }
    const claims = await this.tokens.verifyFor<{ ver?: unknown }>(CHALLENGE_AUDIENCE, challengeToken, this.clock.now());
    if (!claims) throw badChallenge();
    return this.limited(claims.sub, async () => {
      const outcome = await this.users.transaction(async (manager) => {
        const user = await this.users.findForUpdate(claims.sub, manager);
        if (!user || !user.active || user.tokenVersion !== claims.ver || !user.totpEnabledAt) throw badChallenge();
        const userCtx = { ...ctx, actor: { type: 'user' as const, id: user.id } };
        const now = this.clock.now();
        const accepted =
          proof.code !== undefined
            ? await this.acceptCode(user, proof.code, manager)
            : await this.credentials.useRecoveryCode(
                user.id,
                sha256(normalizeRecoveryCode(proof.recoveryCode!)),
                now,
                manager,
              );
        const secondFactor = proof.code !== undefined ? 'totp' : 'recovery_code';
        if (!accepted) return { failed: user.id, secondFactor };
        await this.users.update(user.id, { lastLoginAt: now }, manager);
        const metadata: Record<string, unknown> = { secondFactor };
        if (secondFactor === 'recovery_code') {
          metadata.recoveryCodesLeft = await this.credentials.unusedRecoveryCodes(user.id, manager);
        }
        await this.audit.record(manager, userCtx, {
          action: 'auth.login_succeeded',
          entityType: 'user',
          entityId: user.id,
          metadata,
        });
        const signedIn = (await this.users.findById(user.id, manager))!;
        return this.sessions.start(signedIn, client, manager);
      });
      if ('failed' in outcome) {
        await this.users.transaction((manager) =>
          this.audit.record(
            manager,
            { ...ctx, actor: { type: 'anonymous', id: null } },
            {
              action: 'auth.login_failed',
              entityType: 'user',
              entityId: outcome.failed,
              metadata: { reason: outcome.secondFactor === 'totp' ? 'wrong_code' : 'wrong_recovery_code' },
            },
          ),
        );
        throw wrongSecondFactor();
      }
      return outcome;
    });
  }

  /** The code, checked against the user's secret at the app's time; remembered so that it is accepted once only. */
  private async acceptCode(user: User, code: string, manager: EntityManager): Promise<boolean> {
    if (!user.totpSecretCipher) return false;
    const secret = this.cipher.decrypt(user.totpSecretCipher, totpSecretContext(user.id));
    const result = await verify({
      secret,
      token: code,
      epoch: seconds(this.clock.now()),
      // One step of drift either way: a phone's clock a little off, a code typed as it changes.
      epochTolerance: 30,
      ...(user.totpLastStep === null ? {} : { afterTimeStep: user.totpLastStep }),
    });
    if (!result.valid || !('timeStep' in result)) return false;
    await this.users.update(user.id, { totpLastStep: result.timeStep }, manager);
    user.totpLastStep = result.timeStep;
    return true;
  }

  /** Both checked whatever the first answers ; one error that does not say which failed. */
  private async checkPasswordAndCode(
    user: User,
    password: string,
    code: string,
    manager: EntityManager,
  ): Promise<void> {
    const passwordOk = await verifyPassword(user.passwordHash, password);
    // A right code with a wrong password is spent only if the transaction commits, which it then does not.
    const codeOk = await this.acceptCode(user, code, manager);
    if (!passwordOk || !codeOk) throw wrongPasswordOrCode();
  }

  private endOtherSessions(userId: string, keep: string | undefined, manager: EntityManager): Promise<number> {
    return this.userSessions.revokeOthersOf(userId, keep, 'mfa_changed', this.clock.now(), manager);
  }

  private async clear(userId: string, manager: EntityManager): Promise<void> {
    await this.users.update(userId, { totpSecretCipher: null, totpEnabledAt: null, totpLastStep: null }, manager);
    await this.credentials.deleteRecoveryCodes(userId, manager);
  }

  private async lockUser(userId: string, manager: EntityManager): Promise<User> {
    const user = await this.users.findForUpdate(userId, manager);
    if (!user) throw new AppException('unauthorized', 'A valid bearer token is required.');
    return user;
  }

  /** Counted against the account's budget when the code (or password) was wrong; refunded otherwise. */
  private limited<T>(userId: string, attempt: () => Promise<T>): Promise<T> {
    return this.budget.run(
      { purpose: 'mfa', subject: userId },
      attempt,
      (outcome) => ('error' in outcome ? isCredentialFailure(outcome.error) : false),
      MFA_DAILY_FAILURE_CAP,
    );
  }
}
