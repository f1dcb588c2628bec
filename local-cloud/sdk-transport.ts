import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';

/**
 * Replaces wx-server-sdk's transports (and only them) with the local cloud: the database requester,
 * getWXContext, callFunction and the openapi calls we use. Everything else that would reach the
 * network throws, so nothing here can ever touch the real cloud.
 */
export interface WXInvocationContext {
  OPENID: string;
  APPID: string;
  UNIONID?: string;
  ENV: string;
  SOURCE: string;
  FUNCTION_NAME?: string;
  CLIENTIP?: string;
}

export interface LocalBackend {
  handleDatabase(action: string, params: Record<string, unknown> | null): Promise<unknown>;
  callFunction(name: string, data: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<unknown>;
  openapi(path: string, params: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<unknown>;
}

export const invocationContext = new AsyncLocalStorage<WXInvocationContext>();

let backend: LocalBackend | undefined;
let installed = false;

type CloudModule = Record<string, unknown> & { DYNAMIC_CURRENT_ENV: symbol };

function loadModules() {
  // Resolved from the project root, the same instances the functions load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requester = require('@cloudbase/node-sdk/dist/utils/tcbdbapirequester') as {
    TcbDBApiHttpRequester: { prototype: { send: (api: string, data: Record<string, unknown> | null) => Promise<unknown> } };
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as CloudModule;
  return { requester, cloud };
}

function requireBackend(): LocalBackend {
  if (!backend) throw new Error('local cloud: no backend installed');
  return backend;
}

/** Points the patched SDK at `next`. Safe to call again (tests reopen stores). */
export function installSdkTransport(next: LocalBackend): void {
  backend = next;
  if (installed) return;
  installed = true;
  const { requester, cloud } = loadModules();

  requester.TcbDBApiHttpRequester.prototype.send = async function localSend(api: string, data: Record<string, unknown> | null) {
    return requireBackend().handleDatabase(api, data);
  };

  cloud.getWXContext = () => {
    const ctx = invocationContext.getStore();
    return ctx ? { ...ctx } : { ENV: 'local' };
  };

  cloud.callFunction = async (options: { name?: string; data?: Record<string, unknown> }) => {
    if (!options || typeof options.name !== 'string') {
      throw Object.assign(new Error('callFunction:fail name is required'), { errCode: -1, errMsg: 'callFunction:fail name is required' });
    }
    const result = await requireBackend().callFunction(options.name, options.data ?? {}, invocationContext.getStore());
    return { result, errMsg: 'cloud.callFunction:ok', requestID: crypto.randomUUID() };
  };

  const call = (path: string) => async (params: Record<string, unknown>) => requireBackend().openapi(path, params ?? {}, invocationContext.getStore());
  const openapi = Object.assign(() => openapi, {
    subscribeMessage: { send: call('subscribeMessage.send') },
    phonenumber: { getPhoneNumber: call('phonenumber.getPhoneNumber') },
  });
  cloud.openapi = openapi;

  const unavailable = (name: string) => () => {
    throw Object.assign(new Error(`${name}:fail not available in the local cloud`), { errCode: -1, errMsg: `${name}:fail not available in the local cloud` });
  };
  for (const name of ['uploadFile', 'downloadFile', 'getTempFileURL', 'deleteFile', 'callOpenAPI', 'getOpenData', 'getVoIPSign', 'getCloudCallSign']) {
    cloud[name] = unavailable(name);
  }
  // cloudPay is a namespace (cloudPay.unifiedOrder, …): every member fails the same way.
  cloud.cloudPay = new Proxy({}, { get: (_t, prop) => unavailable(`cloudPay.${String(prop)}`) });
}
