import { AppError } from '../../../shared/errors';
import { log } from './log';

/**
 * Keys come from the function's environment variables (set in the cloud console per function;
 * the local cloud sets development keys). 32 bytes each, hex.
 */
export const SECRET_NAMES = ['HY_PII_KEY', 'HY_PII_HMAC_KEY', 'HY_MEMBER_CODE_KEY', 'HY_POS_KEY'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

export function secretKey(name: SecretName): Buffer {
  const hex = process.env[name];
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    log.error(`[config] ${name} is missing or not 32 bytes of hex`);
    throw new AppError('INTERNAL', '系统配置缺失，请联系商家');
  }
  return Buffer.from(hex, 'hex');
}
