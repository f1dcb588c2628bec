import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Replaces wx-server-sdk's transports (and only them) with the local cloud: the database requester,
 * getWXContext, and the `@cloudbase/node-sdk` calls behind callFunction and storage (so wx-server-sdk's
 * own wrappers shape their answers and errors, as on the cloud), and the openapi calls. Everything
 * else that would reach the network throws, so nothing here can ever touch the real cloud.
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

/** What `@cloudbase/node-sdk` answers wx-server-sdk: a result, or `{ code, message }` it turns into errCode/errMsg. */
export type NodeSdkAnswer = Record<string, unknown> & { requestId?: string; code?: string; message?: string };

interface LocalBackend {
  handleDatabase(action: string, params: Record<string, unknown> | null): Promise<unknown>;
  callFunction(name: string, data: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<NodeSdkAnswer>;
  openapi(path: string, params: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<unknown>;
  storage(call: 'uploadFile' | 'getTempFileURL' | 'deleteFile' | 'downloadFile', params: Record<string, unknown>): Promise<NodeSdkAnswer>;
}

export const invocationContext = new AsyncLocalStorage<WXInvocationContext>();

let backend: LocalBackend | undefined;
let installed = false;

type CloudModule = Record<string, unknown> & { DYNAMIC_CURRENT_ENV: symbol };
type Method = (this: unknown, options: Record<string, unknown>, opts?: Record<string, unknown>) => Promise<unknown>;

function loadModules() {
  // Resolved from the project root, the same instances the functions load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requester = require('@cloudbase/node-sdk/dist/utils/tcbdbapirequester') as {
    TcbDBApiHttpRequester: { prototype: { send: (api: string, data: Record<string, unknown> | null) => Promise<unknown> } };
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloudbase = require('@cloudbase/node-sdk/dist/cloudbase') as { CloudBase: { prototype: Record<string, Method> } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as CloudModule;
  return { requester, cloudbase, cloud };
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
  const { requester, cloudbase, cloud } = loadModules();

  requester.TcbDBApiHttpRequester.prototype.send = async function localSend(api: string, data: Record<string, unknown> | null) {
    return requireBackend().handleDatabase(api, data);
  };

  cloud.getWXContext = () => {
    const ctx = invocationContext.getStore();
    return ctx ? { ...ctx } : { ENV: 'local' };
  };

  // wx-server-sdk's callFunction validates, calls this, and turns `{ code, message }` into
  // `errCode` (FUNCTIONS_EXECUTE_FAIL → -504002) and `errMsg: 'callFunction:fail -504002 functions execute fail. …'`.
  const proto = cloudbase.CloudBase.prototype;
  proto.callFunction = async function localCallFunction(options) {
    const name = options?.name;
    const data = (options?.data ?? {}) as Record<string, unknown>;
    return requireBackend().callFunction(String(name), data, invocationContext.getStore());
  };
  proto.uploadFile = async function localUploadFile(options, opts) {
    const answer = await requireBackend().storage('uploadFile', options ?? {});
    // wx-server-sdk reads the upload's HTTP status through this callback.
    const onResponse = (opts as { onResponseReceived?: (r: { statusCode: number }) => void } | undefined)?.onResponseReceived;
    if (!answer.code) onResponse?.({ statusCode: 200 }); // COS answers a PUT Object with 200
    return answer;
  };
  proto.getTempFileURL = async function localGetTempFileURL(options) {
    return requireBackend().storage('getTempFileURL', options ?? {});
  };
  proto.deleteFile = async function localDeleteFile(options) {
    return requireBackend().storage('deleteFile', options ?? {});
  };
  proto.downloadFile = async function localDownloadFile(options) {
    return requireBackend().storage('downloadFile', options ?? {});
  };

  // cloud.openapi.<namespace>.<method>(params), for any namespace and method: each call answers in the
  // platform's shape (emulated, or errCode -604100), never a TypeError.
  const call = (apiPath: string) => async (params: Record<string, unknown>) => requireBackend().openapi(apiPath, params ?? {}, invocationContext.getStore());
  const openapiRoot = (): unknown => openapi;
  const openapi: unknown = new Proxy(openapiRoot, {
    get: (_t, ns) => (typeof ns === 'string' ? nested(ns) : undefined),
    apply: () => openapi,
  });
  // Namespaces nest (wxa.business.getUserPhoneNumber): a member is callable and also a namespace.
  function nested(prefix: string): unknown {
    const fn = (params: Record<string, unknown>) => call(prefix)(params);
    return new Proxy(fn, { get: (_t, key) => (typeof key === 'string' ? (key === 'then' ? undefined : nested(`${prefix}.${key}`)) : undefined) });
  }
  cloud.openapi = openapi;

  const unavailable = (name: string) => () => {
    throw Object.assign(new Error(`${name}:fail not available in the local cloud`), { errCode: -1, errMsg: `${name}:fail not available in the local cloud` });
  };
  for (const name of ['callOpenAPI', 'getOpenData', 'getVoIPSign', 'getCloudCallSign']) {
    cloud[name] = unavailable(name);
  }
  // cloudPay is a namespace (cloudPay.unifiedOrder, …): every member fails the same way.
  cloud.cloudPay = new Proxy({}, { get: (_t, prop) => unavailable(`cloudPay.${String(prop)}`) });
}
