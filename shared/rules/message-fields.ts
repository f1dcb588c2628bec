/**
 * WeChat subscribe-message field formats, checked before a send (the platform answers 47003 for a
 * value out of format, and the credit is spent either way). A field's kind is its key without the
 * trailing number: `thing1`, `amount3`, `date2` …
 *
 * | kind | WeChat's rule |
 * | --- | --- |
 * | thing | ≤ 20 characters (Chinese, letters, digits, symbols) |
 * | number | ≤ 32 digits, optionally with a decimal point |
 * | letter | ≤ 32 letters |
 * | symbol | ≤ 5 symbols |
 * | character_string | ≤ 32 letters, digits and symbols |
 * | time | 24-hour time, optionally after a date: `15:01`, `2019年10月1日 15:01` |
 * | date | a date, optionally with a time: `2019年10月1日`, `2019-10-01 15:01` |
 * | amount | one currency symbol + ≤ 10 digits with a decimal point, or ending in 元: `¥100.00`, `100元` |
 * | phone_number | ≤ 17 digits and symbols |
 * | car_number | ≤ 8 characters, a plate |
 * | name | ≤ 10 Chinese characters, or ≤ 20 letters |
 * | phrase | ≤ 5 Chinese characters |
 */
export const FIELD_KINDS = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

const HAN = /^\p{Script=Han}+$/u;
const LETTERS = /^[A-Za-z]+$/;
const SYMBOLS = /^[^\p{L}\p{N}\s]+$/u;
const DATE_CN = '\\d{4}年\\d{1,2}月\\d{1,2}日';
const DATE_DASH = '\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}';
const TIME = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const DATE_RE = new RegExp(`^(?:${DATE_CN}|${DATE_DASH})(?:\\s*${TIME})?$`);
const TIME_RE = new RegExp(`^(?:(?:${DATE_CN}|${DATE_DASH})\\s*)?${TIME}$`);

/** Counts characters as WeChat does (code points, so a Chinese character or an emoji is one). */
const length = (v: string) => [...v].length;

/** The field's kind from its key (`thing1` → thing); null for a key WeChat would not accept. */
export function kindOfKey(key: string): FieldKind | null {
  const m = /^([a-z_]+?)(\d+)$/.exec(key);
  return m && (FIELD_KINDS as readonly string[]).includes(m[1]) ? (m[1] as FieldKind) : null;
}

/** Why a value does not fit its kind, or null when it does. */
export function fieldProblem(kind: FieldKind, value: string): string | null {
  if (value.length === 0) return '不能为空';
  switch (kind) {
    case 'thing':
      return length(value) <= 20 ? null : '不能超过 20 个字符';
    case 'number':
      return /^\d+(\.\d+)?$/.test(value) && value.replace('.', '').length <= 32 ? null : '应为不超过 32 位的数字';
    case 'letter':
      return LETTERS.test(value) && value.length <= 32 ? null : '应为不超过 32 个字母';
    case 'symbol':
      return SYMBOLS.test(value) && length(value) <= 5 ? null : '应为不超过 5 个符号';
    case 'character_string':
      return /^[\x21-\x7e]+$/.test(value) && value.length <= 32 ? null : '应为不超过 32 位的字母、数字或符号';
    case 'time':
      return TIME_RE.test(value) ? null : '应为 24 小时制时间，如 15:01 或 2019年10月1日 15:01';
    case 'date':
      return DATE_RE.test(value) ? null : '应为日期，如 2019年10月1日';
    case 'amount':
      return /^(?:[¥￥$€£]\d{1,10}(?:\.\d{1,2})?|\d{1,10}(?:\.\d{1,2})?元)$/.test(value) ? null : '应为金额，如 ¥100.00 或 100元';
    case 'phone_number':
      return /^[\d+\-() ]+$/.test(value) && value.length <= 17 ? null : '应为不超过 17 位的电话号码';
    case 'car_number':
      return length(value) <= 8 && /^[\p{Script=Han}A-Z0-9]+$/u.test(value) ? null : '应为不超过 8 位的车牌号';
    case 'name':
      return (HAN.test(value) && length(value) <= 10) || (/^[A-Za-z ]+$/.test(value) && value.length <= 20) ? null : '应为不超过 10 个汉字或 20 个字母的姓名';
    case 'phrase':
      return HAN.test(value) && length(value) <= 5 ? null : '应为不超过 5 个汉字';
  }
}

export interface FieldIssue {
  key: string;
  problem: string;
}

/**
 * Checks a message's values against the template's field keys: every template field present and in
 * format, no field the template does not have.
 */
export function messageProblems(templateKeys: readonly string[], data: Readonly<Record<string, string>>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const key of templateKeys) {
    const kind = kindOfKey(key);
    if (!kind) issues.push({ key, problem: '模板字段名无效' });
    else if (data[key] === undefined) issues.push({ key, problem: '缺少字段' });
    else {
      const problem = fieldProblem(kind, data[key]);
      if (problem) issues.push({ key, problem });
    }
  }
  for (const key of Object.keys(data)) if (!templateKeys.includes(key)) issues.push({ key, problem: '模板中没有这个字段' });
  return issues;
}

/** Cuts a text to a `thing` field (20 characters), marking the cut. */
export function asThing(text: string): string {
  const chars = [...text];
  return chars.length <= 20 ? text : `${chars.slice(0, 19).join('')}…`;
}

/** A date as WeChat shows it: `2026年3月2日`. */
export function asDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * A value a message offers its template: the field kinds it may fill, and words that a field's
 * label (the merchant's, from 我的模板: 会员姓名, 礼品名称 …) may contain to claim it first.
 */
export interface MessageOffer {
  value: string;
  kinds: readonly FieldKind[];
  words?: readonly string[];
}

/** Words of a label that asks for the member's name (姓名, 会员昵称, 客户名称 …). */
const NAME_WORDS = ['姓名', '昵称', '称呼', '名字', '会员名', '用户名', '客户名', '顾客名', '收件人'] as const;

/** The nickname WeChat gives everyone who has not chosen one: not a name to greet with. */
export const DEFAULT_NICKNAME = '微信用户';

/** What a message calls the member: their nickname, or 会员 when they have none of their own. */
export function memberCalled(nickname: string | null | undefined): string {
  const n = (nickname ?? '').trim();
  return n && n !== DEFAULT_NICKNAME ? n : '会员';
}

/**
 * The member's name as a `name` field accepts it (≤ 10 Chinese characters or ≤ 20 letters): the
 * nickname when it fits, else its Chinese characters (小林12 → 小林), else its letters (Mia_12 → Mia),
 * else 会员 — a member whose nickname fails the check still gets the message.
 */
export function asName(nickname: string | null | undefined): string {
  const called = memberCalled(nickname);
  if (fieldProblem('name', called) === null) return called;
  const han = [...called.replace(/[^\p{Script=Han}]/gu, '')].slice(0, 10).join('');
  if (han) return han;
  const letters = called
    .replace(/[^A-Za-z ]/g, '')
    .trim()
    .slice(0, 20);
  return letters || '会员';
}

/** The member's name as an offer: a `name` field, or a `thing` field labelled as a name. */
export function nameOffer(nickname: string | null | undefined): MessageOffer[] {
  return [
    { value: asName(nickname), kinds: ['name'], words: NAME_WORDS },
    { value: asThing(memberCalled(nickname)), kinds: ['thing'], words: NAME_WORDS },
  ];
}

/** A valid value of each kind, for a field no offer fits (`today` gives the date and time ones). */
function fallbackFor(kind: FieldKind, today: string): string {
  const fallbacks: Record<FieldKind, string> = {
    thing: '会员消息',
    number: '0',
    letter: 'VIP',
    symbol: '★',
    character_string: 'VIP',
    time: `${asDate(today)} 09:00`,
    date: asDate(today),
    amount: '¥0.00',
    phone_number: '-',
    car_number: '无',
    name: '会员',
    phrase: '提醒',
  };
  return fallbacks[kind];
}

/** The value cut to its kind where a cut keeps its sense (a long thing, a long name). */
function fitted(kind: FieldKind, value: string): string {
  if (kind === 'thing') return asThing(value);
  if (kind === 'name') return asName(value);
  return value;
}

/**
 * Fills every field of a template, always with a valid value: for each field (in order), the first
 * unused offer of its kind whose words appear in the field's label; else the next unused offer of its
 * kind in the order offered (the last one again when all are used); the value cut to the kind; and
 * when it still fails the field's check, or nothing of the kind is offered, a valid stand-in of the
 * kind. `fallbacks` lists the fields that took a stand-in (the send is logged with them, never skipped).
 */
export function fillFields(
  fields: readonly { key: string; label: string }[],
  offers: readonly MessageOffer[],
  today: string,
): { data: Record<string, string>; fallbacks: string[] } {
  const used = new Set<MessageOffer>();
  // A value placed once (a coupon title offered for its labelled field and again by kind) is not repeated.
  const placed = new Set<string>();
  const free = (o: MessageOffer) => !used.has(o) && !placed.has(o.value);
  const data: Record<string, string> = {};
  const fallbacks: string[] = [];
  const labelled = new Set(offers.filter((o) => o.words && o.words.length > 0));
  for (const { key, label } of fields) {
    const kind = kindOfKey(key);
    if (!kind) continue; // a key WeChat rejects: the send path's check refuses the template, not the member
    const ofKind = offers.filter((o) => o.kinds.includes(kind));
    const byLabel = ofKind.find((o) => free(o) && o.words?.some((w) => label.includes(w)));
    // Offers meant for a labelled field (the name) fill unlabelled fields only when nothing else of the kind is offered.
    const plain = ofKind.filter((o) => !labelled.has(o));
    const pool = plain.length > 0 ? plain : ofKind;
    const pick = byLabel ?? pool.find(free) ?? pool[pool.length - 1];
    const value = pick ? fitted(kind, pick.value) : '';
    if (pick) {
      used.add(pick);
      placed.add(pick.value);
    }
    if (value && fieldProblem(kind, value) === null) data[key] = value;
    else {
      data[key] = fallbackFor(kind, today);
      fallbacks.push(key);
    }
  }
  return { data, fallbacks };
}
