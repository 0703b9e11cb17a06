export {
  DigestAuthenticator,
  digestResponse,
  type DigestAlgorithm,
  type DigestAuthenticatorOptions,
  type DigestVerdict,
  type StoredHa1,
} from './auth/digest-authenticator.js';
export { parseDigestCredentials, type CredentialsResult, type DigestCredentials } from './auth/digest-credentials.js';
export { isScanner, SourceGuard, type SecurityEvent, type SecurityReason, type SourceGuardOptions } from './protection/source-guard.js';
export {
  Registrar,
  type Binding,
  type ContactSpec,
  type LocationService,
  type RegisterOutcome,
  type RegisterRequest,
  type RegistrarOptions,
} from './registrar/registrar.js';
