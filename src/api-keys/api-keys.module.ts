import { AuditModule } from '../audit/index.js';
import { Feature } from '../common/feature/feature.js';
import { MailModule } from '../mail/index.js';
import { AdminApiKeysController } from './admin-api-keys.controller.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysOfDeletedUsers } from './api-keys-of-deleted-users.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

@Feature({
  tag: { name: 'api-keys', description: 'Integration keys and their scopes (admins only).' },
  entities: [ApiKey],
  imports: [AuditModule, MailModule],
  controllers: [AdminApiKeysController],
  providers: [ApiKeysService, ApiKeysRepository, ApiKeysOfDeletedUsers],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
