import { businessDate } from '../../shared/calendar';
import { crmContract } from '../../shared/contracts/crm';
import { createMain, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import {
  countMembers,
  dashboard,
  filterWhere,
  getSegment,
  listSegments,
  listTags,
  memberDetail,
  noteMember,
  pageMembers,
  recordTagNames,
  saveSegment,
  searchMembers,
  summaryOf,
  tagMembers,
} from '../_lib/crm';

/** Every action is the merchant's (MERCHANT_ONLY in the contract: the router checks it before any input is looked at). */
const merchant = (ctx: ActionContext) => requireRole(requireOpenid(ctx), ['merchant']);

/** The merchant's members, tags and segments (issue 21). */
export const main = createMain(crmContract, {
  searchMembers: async (input, ctx) => searchMembers(input, businessDate(ctx.now)),
  memberDetail: async (input, ctx) => memberDetail(await merchant(ctx), input.memberId, ctx.now),
  tagMembers: async (input, ctx) => {
    const result = await tagMembers(input, businessDate(ctx.now));
    // after the members: a name recorded for a tag that then failed to apply only lists it with 0
    if (input.add && result.notFound.length < new Set(input.memberIds).size) await recordTagNames(input.add, ctx.now);
    return result;
  },
  listTags: async (_input, ctx) => listTags(businessDate(ctx.now)),
  noteMember: async (input, ctx) => {
    const role = await merchant(ctx);
    return noteMember({ ...input, author: { openid: role.openid, name: role.name ?? '商家' }, now: ctx.now });
  },
  countSegment: async (input, ctx) => ({ count: await countMembers(input.filter, businessDate(ctx.now)) }),
  saveSegment: async (input, ctx) => {
    const role = await merchant(ctx);
    return saveSegment(input, { openid: role.openid, name: role.name ?? '商家' }, ctx.now);
  },
  listSegments: async () => listSegments(),
  segmentMembers: async (input, ctx) => {
    const segment = await getSegment(input.segmentId);
    const page = await pageMembers(filterWhere(segment.filter, businessDate(ctx.now)), input.after);
    return { members: page.members.map(summaryOf), nextAfter: page.nextAfter };
  },
  dashboard: async (input, ctx) => dashboard(input, ctx.now),
});
