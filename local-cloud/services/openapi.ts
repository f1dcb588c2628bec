import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import QRCode from 'qrcode';
import type { Outbox } from './outbox';
import type { SubscriptionCredits } from './subscriptions';
import type { WXInvocationContext } from '../runtime';

/**
 * Local answers to WeChat open APIs called through `cloud.openapi.<ns>.<method>(params)`, in the
 * platform's shape: `{ errCode: 0, errMsg: 'openapi.<path>:ok', … }`, or a rejection carrying
 * `errCode` and `errMsg: 'openapi.<path>:fail <code> <reason>'`. Nothing is ever sent: subscribe
 * messages go to the outbox.
 *
 * - a function may call only the APIs its `config.json` lists in `permissions.openapi`
 *   (云调用: otherwise -604101 "function has no permission to call this API");
 * - an API the local cloud does not emulate answers -604100 (never a TypeError).
 */
class OpenapiError extends Error {
  readonly errMsg: string;
  constructor(
    apiPath: string,
    readonly errCode: number,
    reason: string,
  ) {
    super(`openapi.${apiPath}:fail ${errCode} ${reason}`);
    this.errMsg = this.message;
  }
}

/** A registered subscribe-message template: its id and each field's keyword (`thing1`, `time2`, …). */
export interface SubscribeTemplate {
  id: string;
  title: string;
  fields: string[];
}

/**
 * 订阅消息 field formats (subscribeMessage.send, "订阅消息参数值内容限制"): the keyword's type is its
 * name without the trailing number. Lengths count characters.
 */
const CN = /^[\u4e00-\u9fa5]+$/;
const FIELD_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length <= 20,
  short_thing: (v) => [...v].length <= 5,
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[^\w\s\u4e00-\u9fa5]{1,5}$/.test(v),
  character_string: (v) => /^[A-Za-z0-9!-/:-@[-`{-~]{1,32}$/.test(v),
  time: (v) =>
    /^(\d{4}年\d{1,2}月\d{1,2}日 )?([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v) || /^\d{4}-\d{1,2}-\d{1,2} ([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v),
  date: (v) => /^\d{4}年\d{1,2}月\d{1,2}日( ([01]?\d|2[0-3]):[0-5]\d)?$/.test(v) || /^\d{4}-\d{1,2}-\d{1,2}( ([01]?\d|2[0-3]):[0-5]\d)?$/.test(v),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v) && /^[¥￥$€£]|元$/.test(v),
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v),
  car_number: (v) => [...v].length <= 8 && /^[\u4e00-\u9fa5A-Z0-9]+$/.test(v),
  name: (v) => (CN.test(v) && [...v].length <= 10) || /^[A-Za-z ]{1,20}$/.test(v),
  phrase: (v) => CN.test(v) && [...v].length <= 5,
};

export interface OpenapiState {
  templates: Map<string, SubscribeTemplate>;
  credits: SubscriptionCredits;
  /** the mini-program's pages (app.config.ts), for wxacode's check_path; null: not checked */
  pages: string[] | null;
  /**
   * Templates the merchant registered in the app (`marketing.registerTemplate`, which mirrors the
   * console's 我的模板): known to the local platform as if added in the console.
   */
  registered?: (templateId: string) => SubscribeTemplate | undefined;
}

/** Templates registered for the local mini-program (on the cloud: 订阅消息 → 我的模板 in the console). */
export function loadTemplates(file: string): Map<string, SubscribeTemplate> {
  const list = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { templates: SubscribeTemplate[] }).templates : [];
  return new Map(list.map((t) => [t.id, t]));
}

export const DEFAULT_TEMPLATES_FILE = path.join(__dirname, 'subscribe-templates.json');

/** A word list for msgSecCheck; the cloud's model is far richer (see docs/local-cloud.md). */
const LOCAL_RISKY_WORDS = ['赌博', '博彩', '色情', '毒品', '代开发票', '办证', '枪支', '法轮', '刷单', '裸聊', '六合彩', '高仿'];

export function localOpenapi(outbox: Outbox, state: OpenapiState, permissions: (fn: string) => string[] | null) {
  return async function handle(apiPath: string, params: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<unknown> {
    if (caller?.FUNCTION_NAME) {
      const allowed = permissions(caller.FUNCTION_NAME) ?? [];
      if (!allowed.includes(apiPath)) throw new OpenapiError(apiPath, -604101, 'function has no permission to call this API');
    }
    const ok = (extra: Record<string, unknown>) => ({ errCode: 0, errMsg: `openapi.${apiPath}:ok`, ...extra });
    switch (apiPath) {
      case 'subscribeMessage.send':
        return ok(subscribeMessageSend(apiPath, params, state, outbox));
      case 'phonenumber.getPhoneNumber':
        return ok({ phoneInfo: phoneInfo(apiPath, params.code) });
      case 'wxa.business.getUserPhoneNumber':
        return ok({ phone_info: phoneInfo(apiPath, params.code) });
      case 'wxacode.getUnlimited':
        return ok(await getUnlimited(apiPath, params, state.pages));
      case 'security.msgSecCheck':
        return ok(msgSecCheck(apiPath, params));
      default:
        throw new OpenapiError(apiPath, -604100, 'API not found (not emulated by the local cloud)');
    }
  };
}

function subscribeMessageSend(apiPath: string, params: Record<string, unknown>, state: OpenapiState, outbox: Outbox) {
  const touser = params.touser;
  const templateId = params.templateId ?? params.template_id;
  if (typeof touser !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(touser)) throw new OpenapiError(apiPath, 40003, 'invalid openid');
  const template = typeof templateId === 'string' ? (state.templates.get(templateId) ?? state.registered?.(templateId)) : undefined;
  if (!template) throw new OpenapiError(apiPath, 40037, 'invalid template_id');
  // A recipient the test or demo told the platform to refuse (43101, 40003 …), as the cloud would.
  const refused = outbox.refusalFor(touser);
  if (refused !== undefined) throw new OpenapiError(apiPath, refused, refused === 43101 ? 'user refuse to accept the msg' : 'refused');
  const data = params.data;
  if (typeof data !== 'object' || data === null) throw new OpenapiError(apiPath, 47003, 'argument invalid! data is empty');
  for (const field of template.fields) {
    const entry = (data as Record<string, unknown>)[field];
    const value = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined;
    if (typeof value !== 'string' || value === '') throw new OpenapiError(apiPath, 47003, `argument invalid! data.${field}.value is empty`);
    const type = field.replace(/\d+$/, '');
    const rule = FIELD_RULES[type];
    if (rule && !rule(value)) throw new OpenapiError(apiPath, 47003, `argument invalid! data.${field}.value invalid`);
  }
  if (!state.credits.take(touser, template.id)) throw new OpenapiError(apiPath, 43101, 'user refuse to accept the msg');
  const message = outbox.record({
    touser,
    templateId: template.id,
    page: typeof params.page === 'string' ? params.page : undefined,
    data: data as Record<string, { value: string }>,
    miniprogramState: typeof params.miniprogramState === 'string' ? params.miniprogramState : undefined,
  });
  return { msgid: message.id };
}

/** A test number derived from the code (the same code gives the same number); 'invalid' is refused. */
function phoneInfo(apiPath: string, code: unknown) {
  if (typeof code !== 'string' || code === '' || code === 'invalid') throw new OpenapiError(apiPath, 40029, 'invalid code');
  const digits = BigInt('0x' + crypto.createHash('sha256').update(code).digest('hex').slice(0, 12)) % 100000000n;
  const pure = `138${digits.toString().padStart(8, '0')}`;
  return { phoneNumber: pure, purePhoneNumber: pure, countryCode: '86', watermark: { timestamp: Math.floor(Date.now() / 1000), appid: 'wxlocal' } };
}

const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

/**
 * wxacode.getUnlimited: a PNG the size asked (`width` 280–1280, default 430). The cloud draws a round
 * 小程序码 only WeChat reads; locally it is a standard QR code (the `qrcode` library) of
 * `wxacode:<page>?scene=<scene>`, so a test or a local scanner can read the page and the scene back.
 */
async function getUnlimited(apiPath: string, params: Record<string, unknown>, pages: string[] | null) {
  const scene = params.scene;
  if (typeof scene !== 'string' || !SCENE.test(scene)) throw new OpenapiError(apiPath, 40169, 'invalid length for scene, or the data is not json string');
  const page = typeof params.page === 'string' ? params.page : '';
  // check_path (default true): the page must exist in the published mini-program.
  const checkPath = params.check_path ?? params.checkPath;
  if (page.startsWith('/') || /\s/.test(page) || (page && checkPath !== false && pages && !pages.includes(page))) {
    throw new OpenapiError(apiPath, 41030, 'invalid page rid');
  }
  const width = params.width === undefined ? 430 : Number(params.width);
  if (!Number.isFinite(width)) throw new OpenapiError(apiPath, 40097, 'invalid args');
  const size = Math.min(1280, Math.max(280, Math.round(width)));
  const dark = lineColor(params);
  const buffer = await QRCode.toBuffer(`wxacode:${page}?scene=${scene}`, {
    type: 'png',
    width: size,
    margin: 2,
    errorCorrectionLevel: 'M',
    color: { dark, light: params.is_hyaline === true ? '#ffffff00' : '#ffffffff' },
    // No PNG row filters: a two-colour code deflates well without them, and pngjs's per-row choice
    // among five filters took 4 s a code in jest (0.2 s without). A fresh object: qrcode writes into it.
    rendererOpts: { filterType: 0 },
  } as QRCode.QRCodeToBufferOptions);
  return { contentType: 'image/png', buffer };
}

function lineColor(params: Record<string, unknown>): string {
  const c = params.lineColor ?? params.line_color;
  if (params.auto_color !== true && params.autoColor !== true && c && typeof c === 'object') {
    const { r, g, b } = c as { r?: unknown; g?: unknown; b?: unknown };
    const hex = (v: unknown) =>
      Math.min(255, Math.max(0, Number(v) || 0))
        .toString(16)
        .padStart(2, '0');
    return `#${hex(r)}${hex(g)}${hex(b)}ff`;
  }
  return '#000000ff';
}

/**
 * security.msgSecCheck (v2: `content`, `version: 2`, `scene`, `openid`): suggest "risky" when the text
 * holds a word of the local list, "pass" otherwise; v1 (no version) answers errCode 87014 for risky text.
 */
function msgSecCheck(apiPath: string, params: Record<string, unknown>) {
  const content = params.content;
  if (typeof content !== 'string' || content === '') throw new OpenapiError(apiPath, 40003, 'invalid content');
  if ([...content].length > 2500) throw new OpenapiError(apiPath, 44991, 'content too long');
  const hit = LOCAL_RISKY_WORDS.find((w) => content.includes(w));
  const v2 = Number(params.version) === 2;
  if (!v2) {
    if (hit) throw new OpenapiError(apiPath, 87014, 'risky content');
    return {};
  }
  if (typeof params.openid !== 'string' || params.openid === '') throw new OpenapiError(apiPath, 40003, 'invalid openid');
  const suggest = hit ? 'risky' : 'pass';
  const label = hit ? 20006 : 100;
  return {
    trace_id: crypto.randomUUID(),
    result: { suggest, label },
    detail: [{ strategy: 'content_model', errcode: 0, suggest, label, ...(hit ? { keyword: hit, prob: 90 } : { prob: 0 }) }],
  };
}
