import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminAuditEventsController } from './admin-audit-events.controller.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditService } from './audit.service.js';

/** Global: every feature records its changes through AuditService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AdminAuditEventsController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
