import { AuditLog } from '../common/audit/audit-log.js';
import { Feature } from '../common/feature/feature.js';
import { AdminAuditEventsController } from './admin-audit-events.controller.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditService } from './audit.service.js';

/** The audit log: imported by every feature that records changes, which write through its AuditLog. */
@Feature({
  tag: { name: 'audit', description: 'Who read or changed what (admins only).' },
  entities: [AuditEvent],
  controllers: [AdminAuditEventsController],
  providers: [AuditEventsRepository, AuditService, { provide: AuditLog, useExisting: AuditEventsRepository }],
  exports: [AuditLog, AuditService],
})
export class AuditModule {}
