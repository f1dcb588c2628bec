import crypto from 'node:crypto';
import type { Outbox } from './outbox';
import type { WXInvocationContext } from './sdk-transport';

/** A WeChat openapi failure, shaped as wx-server-sdk throws it. */
function openapiError(path: string, errCode: number, reason: string) {
  return Object.assign(new Error(`openapi.${path}:fail ${errCode} ${reason}`), { errCode, errMsg: `openapi.${path}:fail ${errCode} ${reason}` });
}

/**
 * Local answers to the openapi calls the functions use. Subscribe messages go to the outbox, never out;
 * phone numbers are test numbers derived from the code (the same code gives the same number).
 */
export function localOpenapi(outbox: Outbox) {
  return async function handle(path: string, params: Record<string, unknown>, _caller: WXInvocationContext | undefined): Promise<unknown> {
    switch (path) {
      case 'subscribeMessage.send': {
        const touser = params.touser;
        const templateId = params.templateId ?? params.template_id;
        if (typeof touser !== 'string' || touser === '') throw openapiError(path, 40003, 'invalid openid');
        if (typeof templateId !== 'string' || templateId === '') throw openapiError(path, 40037, 'invalid template_id');
        const refused = outbox.refusalFor(touser);
        if (refused !== undefined) throw openapiError(path, refused, refused === 43101 ? 'user refuse to accept the msg' : 'refused');
        const data = params.data;
        if (typeof data !== 'object' || data === null) throw openapiError(path, 47003, 'argument invalid! data is empty');
        for (const [field, value] of Object.entries(data as Record<string, unknown>)) {
          if (typeof value !== 'object' || value === null || typeof (value as { value?: unknown }).value !== 'string') {
            throw openapiError(path, 47003, `argument invalid! data.${field}.value is empty`);
          }
        }
        const message = outbox.record({
          touser,
          templateId,
          page: typeof params.page === 'string' ? params.page : undefined,
          data: data as Record<string, { value: string }>,
          miniprogramState: typeof params.miniprogramState === 'string' ? params.miniprogramState : undefined,
        });
        return { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok', msgid: message.id };
      }
      case 'phonenumber.getPhoneNumber': {
        const code = params.code;
        if (typeof code !== 'string' || code === '' || code === 'invalid') throw openapiError(path, 40029, 'invalid code');
        const digits = BigInt('0x' + crypto.createHash('sha256').update(code).digest('hex').slice(0, 12)) % 100000000n;
        const pure = `138${digits.toString().padStart(8, '0')}`;
        return {
          errCode: 0,
          errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
          phoneInfo: { phoneNumber: pure, purePhoneNumber: pure, countryCode: '86', watermark: { timestamp: Math.floor(Date.now() / 1000), appid: 'wxlocal' } },
        };
      }
      default:
        throw openapiError(path, -1, 'not available in the local cloud');
    }
  };
}
