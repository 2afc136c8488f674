import { TerminusModule } from '@nestjs/terminus';
import { Feature } from '../common/feature/feature.js';
import { MailModule } from '../mail/index.js';
import { RateLimitModule } from '../rate-limit/index.js';
import { HealthController } from './health.controller.js';
import { Readiness } from './readiness.service.js';

@Feature({
  tag: { name: 'health', description: 'Readiness and liveness probes for orchestrators.' },
  imports: [TerminusModule.forRoot({ logger: false }), RateLimitModule, MailModule],
  controllers: [HealthController],
  providers: [Readiness],
  exports: [Readiness],
})
export class HealthModule {}
