import { AppError } from '../../shared/errors';
import { schedulerContract } from '../../shared/contracts/scheduler';
import { isJobName } from '../../shared/schedule';
import { createMain, isTimerInvocation, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import { listJobs, runScheduledJob, tick } from '../_lib/jobs';

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
  },
  { timerAction: 'tick' },
);
