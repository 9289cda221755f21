export {
  AuthProvider,
  useAuth,
  type AuthContextValue,
  type AuthStatus,
  type RenewalStatus,
} from './auth-provider';
export { createNonce } from './nonce';
export { safeReturnTo } from './return-to';
export {
  createUserManager,
  isCurrent,
  readAccessToken,
  RENEW_BEFORE_EXPIRY_S,
} from './user-manager';
