import { marketingContract } from '../../shared/contracts/marketing';
import { createMain, requireOpenid } from '../_lib/platform/router';
import { requireRole, roleOf } from '../_lib/platform/auth';
import { listJobRuns } from '../_lib/jobs';
import { listTemplates, registerTemplate } from '../_lib/messages';
import { loadEngagementSettings, saveEngagementSettings } from '../_lib/engagement';
import { loadLifecycleSettings, saveLifecycleSettings, memberLifecycle } from '../_lib/lifecycle';
import { loadVersionedReferralRules, saveReferralRules } from '../_lib/referral';

/** The merchant's side of engagement: the scheduled jobs' run records, the subscribe-message template registry. */
export const main = createMain(marketingContract, {
  listJobRuns: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return listJobRuns(input.job, input.limit);
  },
  registerTemplate: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return registerTemplate(input, role.openid, ctx.now);
  },
  listTemplates: async (input, ctx) => {
    const role = await roleOf(requireOpenid(ctx));
    return listTemplates(input.purpose, role?.role === 'merchant');
  },
  getSettings: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return loadEngagementSettings();
  },
  updateSettings: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return saveEngagementSettings(input.expectedVersion, input.settings, { openid: role.openid, name: role.name ?? '商家' }, ctx.now);
  },
  getLifecycleSettings: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return loadLifecycleSettings();
  },
  updateLifecycleSettings: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return saveLifecycleSettings(input.expectedVersion, input.settings, { openid: role.openid, name: role.name ?? '商家' }, ctx.now);
  },
  getMemberLifecycle: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return memberLifecycle(input.memberId, ctx.now);
  },
  getReferralRules: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return loadVersionedReferralRules();
  },
  updateReferralRules: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return saveReferralRules(input.expectedVersion, input.rules, { openid: role.openid, name: role.name ?? '商家' }, ctx.now);
  },
});
