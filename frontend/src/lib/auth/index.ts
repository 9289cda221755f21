export { AuthProvider, useAuth, type AuthContextValue, type AuthStatus } from './auth-provider';
export { createNonce } from './nonce';
export { safeReturnTo } from './return-to';
export { createUserManager, isCurrent, readAccessToken } from './user-manager';
