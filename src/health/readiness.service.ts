import { Injectable } from '@nestjs/common';

/**
 * Whether this instance wants new traffic. On SIGTERM it starts draining (see `installShutdownHandlers`): the
 * readiness probe fails at once so load balancers stop routing here, while requests that still arrive are served.
 */
@Injectable()
export class Readiness {
  private isDraining = false;

  get draining(): boolean {
    return this.isDraining;
  }

  drain(): void {
    this.isDraining = true;
  }
}
