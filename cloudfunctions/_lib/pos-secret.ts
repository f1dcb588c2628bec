import crypto from 'node:crypto';
import { secretKey } from './secrets';

/** A store's POS signing secret: derived, never stored — HMAC-SHA256(HY_POS_KEY, storeId), hex. */
export function posSecret(storeId: string): string {
  return crypto.createHmac('sha256', secretKey('HY_POS_KEY')).update(storeId).digest('hex');
}
