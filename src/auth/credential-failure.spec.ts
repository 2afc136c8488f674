import { AppException } from '../common/errors/app-exception.js';
import { credentialFailure, isCredentialFailure } from './credential-failure.js';

describe('credentialFailure', () => {
  it('marks an error without changing it', () => {
    const error = new AppException('unauthorized', 'The email or password is not correct.');
    expect(credentialFailure(error)).toBe(error);
    expect(isCredentialFailure(error)).toBe(true);
    expect(JSON.stringify(error)).toBe(JSON.stringify(new AppException('unauthorized', error.detail)));
  });

  it.each([new AppException('unauthorized', 'x'), new Error('x'), 'x', null, undefined])(
    'leaves anything unmarked uncounted (%#)',
    (error) => {
      expect(isCredentialFailure(error)).toBe(false);
    },
  );
});
