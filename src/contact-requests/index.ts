/** The contact-requests feature's public surface: what other features (and the CLI) may use. */
export { ContactRequestsModule } from './contact-requests.module.js';
export { reencryptContactData } from './reencrypt.js';
