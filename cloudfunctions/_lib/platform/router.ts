import { z } from 'zod';
import { AppError, ERROR_MESSAGES } from '../../../shared/errors';
import { fail, ok, type Result } from '../../../shared/envelope';
import { getWXContext, type WXContext } from './cloud';
import { failureOf } from './failure';
import { requireRole } from './auth';
import { runInCallScope } from './call-scope';
import type { Contract, ParsedInputOf, ResultOf } from '../../../shared/contract';
import { describeIssues, installChineseErrors, tightestBounds } from '../../../shared/validation';

// Every refusal a person may read is Chinese and names the field they see (shared/validation.ts).
installChineseErrors();

/** What every action handler receives besides its validated input. */
export interface ActionContext {
  wx: WXContext;
  /** OPENID of the caller; empty for timer triggers (no user). */
  openid: string;
  now: Date;
}

/** One handler per action of the function's contract, typed from it: input as validated, result as declared. */
type Handlers<C extends Contract> = {
  [A in keyof C]: (input: ParsedInputOf<C, A>, ctx: ActionContext) => Promise<ResultOf<C, A>>;
};

/** Routing and platform fields, stripped before an action's input is validated (the SDK adds userInfo to callFunction data). */
const NOT_INPUT = new Set(['action', 'userInfo', 'Type', 'TriggerName', 'Time']);

/**
 * The event's action and the rest of it as the action's input, or null without an action (a
 * non-empty string). Checked by hand: it answers what `z.object({ action: z.string().min(1) })
 * .passthrough()` did — the same fields (enumerable, `__proto__` and undefined values left out) —
 * without a zod parse and a copy of the event on every call.
 */
function route(event: Record<string, unknown>): { action: string; payload: Record<string, unknown> } | null {
  if (Array.isArray(event) || event instanceof Date || event instanceof Map || event instanceof Set) return null;
  const action = event.action;
  if (typeof action !== 'string' || action.length < 1) return null;
  const payload: Record<string, unknown> = {};
  for (const key in event) {
    if (key === '__proto__' || NOT_INPUT.has(key)) continue;
    const value = event[key];
    if (value !== undefined) payload[key] = value;
  }
  return { action, payload };
}

/**
 * Whether this invocation is a timer trigger: from the invocation context the platform sets
 * (`SOURCE === 'wx_trigger'`, 云函数定时触发器调用; a chain such as `wx_client,scf` is a call, not a
 * timer), never from event fields (`Type: 'Timer'`), which any caller can send.
 */
export function isTimerInvocation(wx: WXContext = getWXContext()): boolean {
  return wx.SOURCE === 'wx_trigger';
}

/**
 * Builds a cloud function's `main`: routes on `event.action`, validates the action's input with its
 * zod schema, and answers the `{ ok, data } | { ok: false, code, message }` envelope. A timer trigger
 * (known from the context, see `isTimerInvocation`) arrives with no action: `timerAction` names the
 * action it runs.
 */
export function createMain<C extends Contract>(contract: C, handlers: Handlers<C>, options: MainOptions<C> = {}) {
  const actions = contract as Contract;
  const main = async function main(event: unknown, _context?: unknown): Promise<Result<unknown>> {
    try {
      const raw = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
      const isTimer = isTimerInvocation();
      const routed = isTimer && options.timerAction && raw.action === undefined ? { ...raw, action: options.timerAction } : raw;
      const parsedEvent = route(routed);
      if (!parsedEvent) {
        return fail('UNKNOWN_ACTION', '缺少 action 参数', { allowed: Object.keys(actions) });
      }
      const { action: name, payload } = parsedEvent;
      // Every function answers `health` the same way, whatever its contract: the deploy's smoke check
      // (`npm run deploy -- --verify`) calls it. It reads nothing and names only the code's hash.
      if (name === HEALTH_ACTION && !Object.prototype.hasOwnProperty.call(actions, name)) return ok(health());
      const def = Object.prototype.hasOwnProperty.call(actions, name) ? actions[name] : undefined;
      const handler = def ? (handlers as Record<string, (input: unknown, ctx: ActionContext) => Promise<unknown>>)[name] : undefined;
      if (!def || !handler) {
        return fail('UNKNOWN_ACTION', `不支持的操作：${name}`, { allowed: Object.keys(actions) });
      }
      const wx = getWXContext();
      // Staff-only actions (the contract's roles) authorize first: a caller without the right learns
      // FORBIDDEN, not which of their inputs would have been refused. (The role is cached, so the
      // handler's own check costs no second read.)
      if (def.roles) {
        const allowed = def.roles;
        await requireRole(wx.OPENID ?? '', allowed);
      }
      const input = def.input.safeParse(payload);
      if (!input.success) {
        // Chinese sentences about the fields a person sees (shared/validation.ts); a few issues with
        // their count, each bounded: a body of 90,000 unknown keys must not be echoed back.
        return fail('VALIDATION_FAILED', (describeIssues(input.error, def.input) || ERROR_MESSAGES.VALIDATION_FAILED).slice(0, 300), {
          issues: tightestBounds(input.error.issues)
            .slice(0, MAX_ISSUES)
            .map((i: z.ZodIssue) => ({
              path: i.path.join('.').slice(0, 100),
              message: describeIssues(new z.ZodError([i]), def.input).slice(0, 200),
              code: i.code,
            })),
          issueCount: input.error.issues.length,
        });
      }
      // One scope per call: what its helpers share (the settings, read once: settings-read.ts).
      const data = await runInCallScope(() => handler(input.data, { wx, openid: wx.OPENID ?? '', now: new Date() }));
      return ok(data);
    } catch (e) {
      // The one error mapping (failure.ts), shared with the `pos` endpoint.
      return failureOf(e, 'cloudfunction');
    }
  };
  /** The action names this function answers (tests walk every action without repeating the table). */
  return Object.assign(main, { actions: Object.freeze(Object.keys(actions)) as readonly string[] });
}

/** The action every function answers, outside its contract. */
const HEALTH_ACTION = 'health';

interface HealthReport {
  ok: true;
  /** HY_CODE_SHA, the deployed folder's hash the deploy sets beside the code; 'local' off the cloud */
  version: string;
}

export function health(): HealthReport {
  return { ok: true, version: process.env.HY_CODE_SHA || 'local' };
}

interface MainOptions<C extends Contract> {
  /** the action a timer trigger runs (it arrives without one) */
  timerAction?: keyof C & string;
}

/** Validation issues answered in full (the rest are counted in `issueCount`). */
const MAX_ISSUES = 12;

export function requireOpenid(ctx: ActionContext): string {
  if (!ctx.openid) throw new AppError('UNAUTHENTICATED');
  return ctx.openid;
}
