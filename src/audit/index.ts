/** The audit feature's public surface: what other features may use. Writing goes through common/audit's AuditLog. */
export { AuditModule } from './audit.module.js';
export { AuditService } from './audit.service.js';
export { AuditEvent } from './audit-event.entity.js';
export { AuditEventsRepository, recordAuditEvent } from './audit-events.repository.js';
export { AuditEventResponse, mapAuditEvent } from './dto/audit-event.responses.js';
export { ListAuditEventsQuery } from './dto/audit-event.requests.js';
