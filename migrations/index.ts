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
import { ServicesDirectory1796634587394 } from './1796634587394-ServicesDirectory.js';
import { MediaLibrary1796634820973 } from './1796634820973-MediaLibrary.js';
import { UserSessions1796635145381 } from './1796635145381-UserSessions.js';
import { Locations1796635535094 } from './1796635535094-Locations.js';
import { SecondFactorAndPasswordReset1796635876688 } from './1796635876688-SecondFactorAndPasswordReset.js';
import { AuditEventSequence1796635887488 } from './1796635887488-AuditEventSequence.js';
import { Practitioners1796636158535 } from './1796636158535-Practitioners.js';
import { ContactRequestDirectoryLinks1796636491892 } from './1796636491892-ContactRequestDirectoryLinks.js';
import { DirectoryPhotos1796638659705 } from './1796638659705-DirectoryPhotos.js';
import { ArticleAuthors1796640000000 } from './1796640000000-ArticleAuthors.js';
import { ApiKeyScopesInUse1796640100000 } from './1796640100000-ApiKeyScopesInUse.js';
import { ArticleRepublishedAt1796640200000 } from './1796640200000-ArticleRepublishedAt.js';
import { OutboxDueOrder1796640300000 } from './1796640300000-OutboxDueOrder.js';

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
  ServicesDirectory1796634587394,
  MediaLibrary1796634820973,
  UserSessions1796635145381,
  Locations1796635535094,
  SecondFactorAndPasswordReset1796635876688,
  AuditEventSequence1796635887488,
  Practitioners1796636158535,
  ContactRequestDirectoryLinks1796636491892,
  DirectoryPhotos1796638659705,
  ArticleAuthors1796640000000,
  ApiKeyScopesInUse1796640100000,
  ArticleRepublishedAt1796640200000,
  OutboxDueOrder1796640300000,
];
