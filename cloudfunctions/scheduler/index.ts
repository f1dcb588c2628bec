import { AppError } from '../../shared/errors';
import { schedulerContract } from '../../shared/contracts/scheduler';
import { isJobName } from '../../shared/schedule';
import { createMain, isTimerInvocation, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import { listJobs, runScheduledJob, tick } from '../_lib/jobs';
import { runMigrations } from '../_lib/platform/migrations';
import { MIGRATIONS } from './migrations';

/** What one `migrate` call may spend of the function's 150 s, leaving room for the last chunk. */
const MIGRATE_BUDGET_MS = 100_000;

/**
 * The deploy calls `migrate` through the Tencent Cloud API (signed with the environment's API key):
 * no OPENID and not a client's call. A WeChat user always has an OPENID; the merchant may run it too.
 */
async function requireDeployerOrMerchant(ctx: ActionContext): Promise<void> {
  const source = ctx.wx.SOURCE ?? '';
  if (!ctx.openid && !/wx_client|wx_http/.test(source)) return;
  await requireRole(requireOpenid(ctx), ['merchant']);
}

/**
 * The platform itself (the timer, or the developer console: `wx_devtools`, which the local cloud's
 * `/api/jobs` routes act as) or the merchant. Known from the invocation context, never from the event.
 */
async function requirePlatformOrMerchant(ctx: ActionContext): Promise<void> {
  if (isTimerInvocation(ctx.wx) || (ctx.wx.SOURCE === 'wx_devtools' && !ctx.openid)) return;
  await requireRole(requireOpenid(ctx), ['merchant']);
}

export const main = createMain(
  schedulerContract,
  {
    tick: async (_input, ctx) => {
      if (!isTimerInvocation(ctx.wx)) throw new AppError('FORBIDDEN', '只有定时触发器可以执行调度');
      return tick(ctx.now);
    },
    listJobs: async (_input, ctx) => {
      await requirePlatformOrMerchant(ctx);
      return listJobs(ctx.now);
    },
    runJob: async (input, ctx) => {
      await requirePlatformOrMerchant(ctx);
      if (!isJobName(input.job)) throw new AppError('NOT_FOUND', `没有这个任务：${input.job}`);
      return runScheduledJob(input.job, ctx.now);
    },
    migrate: async (_input, ctx) => {
      await requireDeployerOrMerchant(ctx);
      return runMigrations(MIGRATIONS, () => new Date(), MIGRATE_BUDGET_MS);
    },
  },
  { timerAction: 'tick' },
);
