import { z } from 'zod';

/**
 * Validation in words a person uses. zod's own messages are English and name fields by their
 * keys ("year: Number must be less than or equal to 2100"); every refusal that reaches a person goes
 * through `zhErrorMap` (installed by `installChineseErrors`, once, by the router and the client) and
 * `describeIssues`, which names the field as the person sees it ("出生年份不能晚于 2100 年").
 * Messages given in a schema (`.regex(re, '…')`, `refine(…, { message })`) are kept as written.
 */

/** Field labels by key (the last path segment that is not an index); a person's name for the field. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  // member
  nickname: '昵称',
  avatarUrl: '头像',
  gender: '性别',
  year: '出生年份',
  month: '生日月份',
  day: '生日日期',
  code: '会员码',
  phone: '手机号',
  phoneCode: '手机号授权',
  invite: '邀请码',
  agree: '同意条款',
  version: '隐私政策版本',
  confirm: '注销确认',
  memberId: '会员',
  limit: '条数',
  before: '时间',
  // orders and points
  storeId: '门店',
  receiptNo: '小票号',
  items: '商品',
  sku: '商品编码',
  category: '商品分类',
  name: '名称',
  priceFen: '商品单价',
  quantity: '数量',
  amountFen: '金额',
  paidAt: '支付时间',
  member: '会员',
  memberCode: '会员码',
  orderId: '订单',
  refundId: '退款单号',
  requestId: '请求编号',
  amount: '积分数量',
  delta: '调整积分',
  reason: '原因',
  note: '备注',
  decision: '处理结果',
  status: '状态',
  after: '起始位置',
  today: '日期',
  // rules
  rules: '积分规则',
  registrationBonus: '注册礼积分',
  pointsPerStep: '每档积分',
  stepFen: '每档金额',
  memberDay: '会员日',
  weekday: '星期',
  multiplier: '倍数',
  categoryMultipliers: '分类倍数',
  skuMultipliers: '商品倍数',
  dailyCapPerMember: '每日积分上限',
  pendingDays: '积分生效天数',
  expiry: '积分有效期',
  months: '月数',
  refundShortfall: '退款不足处理',
  fraud: '风险规则',
  expectedVersion: '版本',
  // tiers
  settings: '等级设置',
  tiers: '等级',
  basis: '成长值计算方式',
  growthPerYuan: '每元成长值',
  graceDays: '保级天数',
  id: '等级编号',
  threshold: '成长值门槛',
  color: '颜色',
  benefits: '等级权益',
  pointsMultiplier: '积分倍数',
  birthdayCouponTemplateId: '生日礼券',
  memberDayDiscountPercent: '会员日折扣',
  freeItems: '赠品',
  perMonth: '每月次数',
};

/** A field's label from an issue path; '' when the path names no field (the whole request). */
function fieldLabel(path: readonly (string | number)[]): string {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const key = path[i];
    if (typeof key === 'number') continue;
    return FIELD_LABELS[key] ?? '';
  }
  return '';
}

const isMoney = (path: readonly (string | number)[]) => path.some((k) => typeof k === 'string' && /Fen$/.test(k));
const yuan = (fen: number | bigint) => `¥${(Number(fen) / 100).toFixed(2)}`;

const TYPE_NAMES: Record<string, string> = {
  string: '文字',
  number: '数字',
  integer: '整数',
  boolean: '是或否',
  object: '一组信息',
  array: '列表',
  date: '日期',
  null: '空值',
  undefined: '空',
};

function limitText(path: readonly (string | number)[], n: number | bigint): string {
  return isMoney(path) ? yuan(n) : String(n);
}

/** The message of one issue, about the field (without its label: `describeIssues` adds it). */
function issueMessage(issue: z.ZodIssueOptionalMessage): string {
  const path = issue.path;
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return '不能为空';
      return `应为${TYPE_NAMES[issue.expected] ?? '正确的格式'}`;
    case z.ZodIssueCode.too_small:
      if (issue.type === 'string') return issue.minimum === 1 ? '不能为空' : `至少需要 ${issue.minimum} 个字`;
      if (issue.type === 'array' || issue.type === 'set') return `至少需要 ${issue.minimum} 项`;
      if (issue.type === 'date') return '时间太早';
      if (Number(issue.minimum) === 0) return issue.inclusive ? '不能为负数' : '必须大于 0';
      if (path[path.length - 1] === 'year') return `不能早于 ${issue.minimum} 年`;
      return issue.inclusive ? `不能小于 ${limitText(path, issue.minimum)}` : `必须大于 ${limitText(path, issue.minimum)}`;
    case z.ZodIssueCode.too_big:
      if (issue.type === 'string') return `不能超过 ${issue.maximum} 个字`;
      if (issue.type === 'array' || issue.type === 'set') return `最多 ${issue.maximum} 项`;
      if (issue.type === 'date') return '时间太晚';
      if (path[path.length - 1] === 'year') return `不能晚于 ${issue.maximum} 年`;
      return issue.inclusive ? `不能超过 ${limitText(path, issue.maximum)}` : `必须小于 ${limitText(path, issue.maximum)}`;
    case z.ZodIssueCode.invalid_string:
      if (issue.validation === 'datetime') return '时间格式不正确';
      if (issue.validation === 'email') return '邮箱格式不正确';
      if (issue.validation === 'url') return '网址格式不正确';
      return '格式不正确';
    case z.ZodIssueCode.invalid_enum_value:
      return '不是可选的值';
    case z.ZodIssueCode.invalid_literal:
      return '取值不正确';
    case z.ZodIssueCode.unrecognized_keys:
      return `包含不支持的内容（${issue.keys.length} 项）`;
    case z.ZodIssueCode.invalid_union:
    case z.ZodIssueCode.invalid_union_discriminator:
      return '格式不正确';
    case z.ZodIssueCode.invalid_date:
      return '日期不存在';
    case z.ZodIssueCode.not_multiple_of:
      return `应为 ${issue.multipleOf} 的倍数`;
    case z.ZodIssueCode.not_finite:
      return '应为有效的数字';
    case z.ZodIssueCode.invalid_arguments:
    case z.ZodIssueCode.invalid_return_type:
    case z.ZodIssueCode.invalid_intersection_types:
      return '格式不正确';
    case z.ZodIssueCode.custom:
      return '不正确';
  }
}

/** zod's error map in Chinese (field-less: the label is added where the issues are described). */
const zhErrorMap: z.ZodErrorMap = (issue, ctx) => {
  // A message written in the schema wins (zod passes it as issue.message for custom issues).
  if (issue.message) return { message: issue.message };
  void ctx;
  return { message: issueMessage(issue) };
};

let installed = false;
/** Makes `zhErrorMap` zod's default, once per process (router, client). */
export function installChineseErrors(): void {
  if (installed) return;
  z.setErrorMap(zhErrorMap);
  installed = true;
}

/**
 * One bound per field and direction: a schema narrowed from a shared one (`fen.max(10 ** 9)` on a
 * `fen` capped at 10^12) fails both checks for a value above both, and the answer named two caps for
 * one price. The tightest is the one that applies.
 */
export function tightestBounds(issues: readonly z.ZodIssue[]): z.ZodIssue[] {
  const bound = (i: z.ZodIssue) => (i.code === z.ZodIssueCode.too_big ? Number(i.maximum) : i.code === z.ZodIssueCode.too_small ? Number(i.minimum) : null);
  const tightest = new Map<string, z.ZodIssue>();
  for (const issue of issues) {
    const b = bound(issue);
    if (b === null) continue;
    const key = `${issue.code}:${issue.path.join('.')}`;
    const kept = tightest.get(key);
    const keptBound = kept ? (bound(kept) as number) : null;
    if (keptBound === null || (issue.code === z.ZodIssueCode.too_big ? b < keptBound : b > keptBound)) tightest.set(key, issue);
  }
  return issues.filter((i) => bound(i) === null || tightest.get(`${i.code}:${i.path.join('.')}`) === i);
}

/** One sentence per issue, each naming its field ("出生年份不能晚于 2100 年"), at most `max` of them. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of tightestBounds(error.issues)) {
    const label = fieldLabel(issue.path);
    // Our own (field-less) messages get the field's label; a message written in the schema is whole.
    const ours = issue.code !== z.ZodIssueCode.custom && issue.message === issueMessage(issue);
    const text = ours ? `${label || '请求'}${issue.message}` : issue.message;
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
    if (parts.length >= max) break;
  }
  return parts.join('；');
}

/** Zod's English phrases; none may reach a person (the test of every action's answers uses it). */
export const ENGLISH_VALIDATOR_TEXT =
  /\b(expected|required|must|invalid|received|unrecognized|characters?|greater|less than|at least|at most|number|string|array|object|enum|literal|undefined|datetime)\b/i;
