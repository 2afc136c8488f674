import { ApiOkResponse } from '@nestjs/swagger';
import { Controller, Get, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { API_KEY_SCOPES } from '../src/common/access/scopes.js';
import { ROLES, type Role } from '../src/common/access/roles.js';
import { expectProblem } from './utils/expect-problem.js';
import { createApiKey, createStaff, type StaffMember } from './factories/index.js';
import { concrete, type Operation, operationsOf } from './utils/openapi-operations.js';
import { useTestApp } from './utils/test-app.js';

/** A route someone forgot to decorate: it must be admin-only, not public. */
@Controller('admin/forgotten')
class ForgottenController {
  @Get()
  @ApiOkResponse({ schema: { type: 'object', properties: { reached: { type: 'boolean', example: true } } } })
  forgotten(): { reached: true } {
    return { reached: true };
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

describe('authorization sweep over every route in the OpenAPI document', () => {
  const app = useTestApp({ imports: [ForgottenModule] });
  const staff = {} as Record<Role, StaffMember>;
  let apiKeyWithEveryScope: string;
  let operations: Operation[];

  beforeAll(async () => {
    for (const role of ROLES) staff[role] = await createStaff(app(), role);
    ({ secret: apiKeyWithEveryScope } = await createApiKey(app(), staff.admin, {
      name: 'sweep',
      scopes: [...API_KEY_SCOPES],
    }));
    operations = operationsOf((await app().http().get('/docs-json')).body);
  });

  const call = (op: Operation, headers: Record<string, string> = {}, query = '') =>
    app()
      .http()
      [op.method](concrete(op.path) + query)
      .set(headers)
      .send(['post', 'put', 'patch'].includes(op.method) ? {} : undefined);

  it('finds the routes to check', () => {
    expect(operations.length).toBeGreaterThanOrEqual(14);
    expect(operations.map((o) => o.operationId)).toEqual(
      expect.arrayContaining([
        'listUsers',
        'createApiKey',
        'listAuditEvents',
        'login',
        'getCurrentUser',
        // Issue 20: sessions and the second factor.
        'refreshSession',
        'logout',
        'listSessions',
        'endSession',
        'endUserSessions',
        'enrolTotp',
        'confirmTotp',
        'disableTotp',
        'loginMfa',
        'resetUserMfa',
        'requestPasswordReset',
        'confirmPasswordReset',
      ]),
    );
  });

  it('protects every admin route with staff roles (none is public or key-only)', () => {
    const unprotected = operations.filter((o) => o.path.startsWith('/api/v1/admin/') && !o.roles);
    expect(unprotected).toEqual([]);
    expect(operations.find((o) => o.operationId === 'forgotten')?.roles).toEqual(['admin']);
  });

  it('answers 401 problem+json to every protected route called without credentials', async () => {
    for (const op of operations.filter((o) => o.roles || o.scope)) {
      const res = await call(op);
      expect({ op: op.operationId, status: res.status, code: res.body.code }).toEqual({
        op: op.operationId,
        status: 401,
        code: 'unauthorized',
      });
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    }
  });

  it('checks credentials before input: an undeclared query parameter without credentials is still 401', async () => {
    for (const op of operations.filter((o) => o.roles || o.scope)) {
      const res = await call(op, {}, '?undeclared=1');
      expect({ op: op.operationId, status: res.status, code: res.body.code }).toEqual({
        op: op.operationId,
        status: 401,
        code: 'unauthorized',
      });
    }
    // …and with credentials the same parameter is refused as input.
    const path = `/api/v1/admin/users/${randomUUID()}`;
    const res = await app().http().get(`${path}?undeclared=1`).set(staff.admin.auth);
    expectProblem(
      res,
      { code: 'validation_failed', detail: '1 field is invalid', instance: path },
      { errors: [{ field: 'undeclared', message: 'property undeclared should not exist' }] },
    );
  });

  it('answers 403 to every staff route called with a role that lacks access', async () => {
    let checked = 0;
    for (const op of operations.filter((o) => o.roles && !o.roles.includes('any'))) {
      for (const role of ROLES.filter((r) => !op.roles?.includes(r))) {
        const res = await call(op, staff[role].auth);
        expect({ op: op.operationId, role, status: res.status, code: res.body.code }).toEqual({
          op: op.operationId,
          role,
          status: 403,
          code: 'forbidden',
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('never accepts an API key on a staff route', async () => {
    for (const op of operations.filter((o) => o.roles)) {
      const res = await call(op, { 'X-API-Key': apiKeyWithEveryScope });
      expect({ op: op.operationId, status: res.status }).toEqual({ op: op.operationId, status: 401 });
    }
  });

  it('never accepts a staff token on an integration route', async () => {
    for (const op of operations.filter((o) => o.scope)) {
      const res = await call(op, staff.admin.auth);
      expect({ op: op.operationId, status: res.status }).toEqual({ op: op.operationId, status: 401 });
    }
  });

  it('makes a route without an access decorator admin-only', async () => {
    const path = '/api/v1/admin/forgotten';
    expectProblem(await app().http().get(path), {
      code: 'unauthorized',
      detail: 'A valid bearer token is required.',
      instance: path,
    });
    for (const role of ['editor', 'frontdesk'] as const) {
      expectProblem(await app().http().get(path).set(staff[role].auth), {
        code: 'forbidden',
        detail: 'This requires one of the roles: admin.',
        instance: path,
      });
    }
    const ok = await app().http().get(path).set(staff.admin.auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ reached: true });
  });

  it('states in the OpenAPI description who may call each operation', async () => {
    const doc = (await app().http().get('/docs-json')).body;
    expect(doc.paths['/api/v1/admin/users'].get.description).toContain(
      '**Access:** staff with the role admin (bearer token).',
    );
    expect(doc.paths['/api/v1/auth/login'].post.description).toContain('**Access:** public, no credentials.');
    expect(doc.paths['/api/v1/admin/users'].get.security).toEqual([{ bearer: [] }]);
  });
});
