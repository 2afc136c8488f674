/** The API keys feature's public surface: what other features (the access guard) may use. */
export { ApiKeysModule } from './api-keys.module.js';
export { ApiKeysService } from './api-keys.service.js';
