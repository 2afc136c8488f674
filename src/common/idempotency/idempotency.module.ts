import { DataCipherModule } from '../crypto/data-cipher.module.js';
import { Feature } from '../feature/feature.js';
import type { Purge } from '../feature/purge.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { IdempotencyKeysRepository } from './idempotency-keys.repository.js';
import { Idempotency } from './idempotency.service.js';

const expiredKeys: Purge = {
  name: 'idempotency-keys',
  async run(manager, { now }) {
    const deleted = await new IdempotencyKeysRepository(manager.connection).purgeExpired(now, manager);
    return {
      counts: { idempotencyKeys: deleted },
      summary: `${deleted} expired idempotency ${deleted === 1 ? 'key' : 'keys'}`,
    };
  },
};

/** Replays of `Idempotency-Key` requests: imported by the features whose routes take the header. */
@Feature({
  entities: [IdempotencyKey],
  purges: [expiredKeys],
  imports: [DataCipherModule],
  providers: [Idempotency, IdempotencyKeysRepository],
  exports: [Idempotency],
})
export class IdempotencyModule {}
