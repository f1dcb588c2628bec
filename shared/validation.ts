import { z } from 'zod';

/**
 * Validation in words a person uses. zod's own messages are English and name fields by their
 * keys ("year: Number must be less than or equal to 2100"); every refusal that reaches a person goes
 * through `zhErrorMap` (installed by `installChineseErrors`, once, by the router and the client) and
 * `describeIssues`, which names the field as the page calls it ("出生年份不能晚于 2100 年"): the field's
 * `.describe('收货人')`, else its request schema's label table (`labelRequests`), else 该字段.
 * Messages given in a schema (`.regex(re, '…')`, `refine(…, { message })`) are kept as written.
 */

/**
 * A field's name as its page calls it, by key (`nickname`) or by path of keys (`address.name`, array
 * indices and record keys left out). A request schema's table is its fallback after the schema's own
 * `.describe('收货人')` on the field.
 */
type FieldLabels = Readonly<Record<string, string>>;

/** Label tables by request schema (the schema object itself: the router and the tests hold the same one). */
const LABEL_TABLES = new WeakMap<z.ZodTypeAny, FieldLabels>();

/** Registers a label table for one request schema (merged over any earlier one); answers the schema. */
export function labelFields<S extends z.ZodTypeAny>(schema: S, labels: FieldLabels): S {
  LABEL_TABLES.set(schema, { ...LABEL_TABLES.get(schema), ...labels });
  return schema;
}

/** One label table for every request schema of a function (its keys mean one thing across its forms). */
export function labelRequests<M extends Readonly<Record<string, z.ZodTypeAny>>>(requests: M, labels: FieldLabels): M {
  for (const schema of Object.values(requests)) labelFields(schema, labels);
  return requests;
}

/** The label when nothing names the field: never 请求, which is not what a person filled in. */
export const GENERIC_FIELD_LABEL = '该字段';
/** The label of an issue about the whole input (no field): a wrong shape from a caller, not a form. */
const WHOLE_INPUT_LABEL = '提交的内容';

/** The schema a wrapper (optional, default, refine, pipe, brand, lazy …) stands for. */
function innerOf(s: z.ZodTypeAny): z.ZodTypeAny | undefined {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodCatch || s instanceof z.ZodReadonly)
    return s._def.innerType as z.ZodTypeAny;
  if (s instanceof z.ZodEffects) return s._def.schema as z.ZodTypeAny;
  if (s instanceof z.ZodBranded) return s._def.type as z.ZodTypeAny;
  if (s instanceof z.ZodPipeline) return s._def.in as z.ZodTypeAny;
  if (s instanceof z.ZodLazy) return s._def.getter() as z.ZodTypeAny;
  return undefined;
}

/** The first `.describe()` on a schema or the wrappers inside it, outermost first. */
function descriptionOf(schema: z.ZodTypeAny): string | undefined {
  for (let s: z.ZodTypeAny | undefined = schema, depth = 0; s && depth < 20; s = innerOf(s), depth += 1) {
    if (s.description) return s.description;
  }
  return undefined;
}

/** One step of an issue path into a schema: the child, and whether the key names a field (not an index or a record's key). */
function stepInto(schema: z.ZodTypeAny, key: string | number, depth = 0): { child: z.ZodTypeAny; field: boolean } | undefined {
  if (depth > 20) return undefined;
  const inner = innerOf(schema);
  if (inner) return stepInto(inner, key, depth + 1);
  if (schema instanceof z.ZodObject) {
    const child = typeof key === 'string' ? (schema.shape as Record<string, z.ZodTypeAny>)[key] : undefined;
    return child ? { child, field: true } : undefined;
  }
  if (schema instanceof z.ZodArray) return { child: schema.element as z.ZodTypeAny, field: false };
  if (schema instanceof z.ZodTuple) {
    const items = schema.items as z.ZodTypeAny[];
    const child = (typeof key === 'number' ? items[key] : undefined) ?? (schema._def.rest as z.ZodTypeAny | null) ?? undefined;
    return child ? { child, field: false } : undefined;
  }
  if (schema instanceof z.ZodRecord || schema instanceof z.ZodMap) return { child: schema._def.valueType as z.ZodTypeAny, field: false };
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) {
    const options = (schema instanceof z.ZodUnion ? schema.options : [...schema.options]) as z.ZodTypeAny[];
    const steps = options.map((o) => stepInto(o, key, depth + 1)).filter((r) => r !== undefined);
    return steps.find((r) => descriptionOf(r.child)) ?? steps[0];
  }
  if (schema instanceof z.ZodIntersection) return stepInto(schema._def.left, key, depth + 1) ?? stepInto(schema._def.right, key, depth + 1);
  return undefined;
}

/**
 * A field's label from an issue path: the field's `.describe()`, else the request schema's label
 * table (by the longest path of keys ending at the field, down to the key alone), else 该字段; '' when the path names no field (the whole input).
 */
export function fieldLabel(schema: z.ZodTypeAny | undefined, path: readonly (string | number)[]): string {
  let node = schema;
  let labelled: z.ZodTypeAny | undefined;
  const keys: string[] = [];
  for (const key of path) {
    const step = node ? stepInto(node, key) : undefined;
    node = step?.child;
    if (step ? step.field : typeof key === 'string') {
      keys.push(String(key));
      labelled = step?.child;
    }
  }
  if (keys.length === 0) return '';
  const described = labelled ? descriptionOf(labelled) : undefined;
  if (described) return described;
  const table = schema ? LABEL_TABLES.get(schema) : undefined;
  // The longest path of keys the table knows, ending at the field: `settings.tiers.name` finds `tiers.name`, then `name`.
  for (let i = 0; table && i < keys.length; i += 1) {
    const label = table[keys.slice(i).join('.')];
    if (label) return label;
  }
  return GENERIC_FIELD_LABEL;
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

/**
 * One sentence per issue, each naming its field as the page calls it ("出生年份不能晚于 2100 年"), at
 * most `max` of them. `schema` is the one that failed: its fields' descriptions and label table name them.
 */
export function describeIssues(error: z.ZodError, schema?: z.ZodTypeAny, max = 3): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of tightestBounds(error.issues)) {
    const label = fieldLabel(schema, issue.path);
    // Our own (field-less) messages get the field's label; a message written in the schema is whole.
    const ours = issue.code !== z.ZodIssueCode.custom && issue.message === issueMessage(issue);
    const text = ours ? `${label || WHOLE_INPUT_LABEL}${issue.message}` : issue.message;
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
