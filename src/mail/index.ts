/** The mail feature's public surface: features write emails with their changes, then poke the dispatcher. */
export { MailModule } from './mail.module.js';
export {
  AccountMail,
  type ContactRequestMailFacts,
  type DeletedCreatorFacts,
  type EndpointDisabledFacts,
  forgetContactRequestMail,
  RequesterMail,
  StaffMail,
} from './mail-outbox.service.js';
export { MailDispatcher } from './mail-dispatcher.service.js';
export { MailHealth, type MailHealthState } from './mail-health.js';
export { reencryptMailRecipients, reencryptMailSecrets } from './reencrypt.js';
