/** The auth feature's public surface: the signing facility other features' tokens use. */
export { AuthModule } from './auth.module.js';
export { type PurposeTokenClaims, TokenService } from './token.service.js';
