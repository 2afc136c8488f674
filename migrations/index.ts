import type { MigrationInterface } from 'typeorm';
import { Foundation1795634384636 } from './1795634384636-Foundation.js';
import { AccessControl1795636196831 } from './1795636196831-AccessControl.js';
import { OperatingHours1795638926728 } from './1795638926728-OperatingHours.js';
import { Articles1795649191508 } from './1795649191508-Articles.js';
import { Testimonials1795658995904 } from './1795658995904-Testimonials.js';
import { ContactRequests1795659873475 } from './1795659873475-ContactRequests.js';
import { AuditClientRequestId1796590534504 } from './1796590534504-AuditClientRequestId.js';
import { ArticleReadModel1796614157066 } from './1796614157066-ArticleReadModel.js';
import { JobRuns1796614720805 } from './1796614720805-JobRuns.js';
import { TraceContext1796617483408 } from './1796617483408-TraceContext.js';
import { AuditListIndexes1796623776046 } from './1796623776046-AuditListIndexes.js';
import { WebhookEndpoints1796624613821 } from './1796624613821-WebhookEndpoints.js';
import { MailOutbox1796624656772 } from './1796624656772-MailOutbox.js';
import { ContentEvents1796624865933 } from './1796624865933-ContentEvents.js';
import { MediaLibrary1796634820973 } from './1796634820973-MediaLibrary.js';

/** Every migration, in order. `npm run migration:generate -- migrations/Name` writes the file; add its class here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1795634384636,
  AccessControl1795636196831,
  OperatingHours1795638926728,
  Articles1795649191508,
  Testimonials1795658995904,
  ContactRequests1795659873475,
  AuditClientRequestId1796590534504,
  ArticleReadModel1796614157066,
  JobRuns1796614720805,
  TraceContext1796617483408,
  AuditListIndexes1796623776046,
  WebhookEndpoints1796624613821,
  MailOutbox1796624656772,
  ContentEvents1796624865933,
  MediaLibrary1796634820973,
];
