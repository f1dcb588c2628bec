import crypto from 'node:crypto';
import { secretKey } from './secrets';

/**
 * A store's POS signing secret: derived, never stored — HMAC-SHA256(HY_POS_KEY, storeId), hex. The
 * merchant's 重置 bumps the store's `posKeyGeneration`, which derives a new secret (the old one stops
 * working at once); generation 0 is the secret as it was before resets existed.
 */
export function posSecret(storeId: string, generation = 0): string {
  return crypto
    .createHmac('sha256', secretKey('HY_POS_KEY'))
    .update(generation > 0 ? `${storeId}#${generation}` : storeId)
    .digest('hex');
}
