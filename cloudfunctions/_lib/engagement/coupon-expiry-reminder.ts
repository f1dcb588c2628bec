import { businessDate, businessDateKey, addBusinessDays, startOfBusinessDate } from '../../../shared/calendar';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import type { CouponDoc } from '../../../shared/schemas/coupon';
import { database } from '../platform/cloud';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { fillTemplate, templateFor } from '../messages';
import { loadEngagementSettings } from './settings';
import { initial, membersById, loggedKeys, sendCounted, type MemberJobCounters } from './member-jobs';

/** Unused coupons ending `daysBefore` days from now (default 3): one reminder per coupon (`coupon-expiry:<couponId>`). */
export async function runCouponExpiryReminder(now: Date, options: JobOptions = {}): Promise<JobRun<MemberJobCounters>> {
  const today = businessDate(now);
  const { settings } = await loadEngagementSettings();
  const endDay = addBusinessDays(today, settings.couponExpiry.daysBefore);
  // A coupon valid through `endDay` ends at the start of the next business day.
  const from = startOfBusinessDate(addBusinessDays(endDay, 1));
  const to = startOfBusinessDate(addBusinessDays(endDay, 2));
  const template = await templateFor('coupon_expiry');
  const db = database();
  const _ = db.command;
  const { run } = await runJob<MemberJobCounters>({
    job: 'coupon-expiry-reminder',
    occurrence: businessDateKey(now),
    ...options,
    initial: initial(today),
    steps: [
      {
        name: 'remind',
        // index coupons.status_endsAt; the chunk's members and logged keys in one query each
        ...walkById<CouponDoc, CouponDoc & { member: MemberDoc | null; logged: Set<string> }>(
          'coupons',
          { status: 'unused', endsAt: _.gte(from).and(_.lt(to)) },
          async (coupons) => {
            const [members, logged] = await Promise.all([
              membersById(coupons.map((c) => c.memberId)),
              loggedKeys(coupons.map((c) => `coupon-expiry:${c._id}`)),
            ]);
            return coupons.map((c) => ({ ...c, member: members.get(c.memberId) ?? null, logged }));
          },
        ),
        process: async (c, state) => {
          const member = c.member;
          if (!member || member.deletedAt) {
            state.skipped += 1;
            return;
          }
          const data =
            template &&
            fillTemplate(
              template,
              {
                thing: [asThing(c.terms.title), '优惠券即将过期，请尽快使用'],
                date: [asDate(endDay)],
                phrase: ['即将过期'],
                character_string: [c._id],
              },
              {
                nickname: member.nickname,
                today,
                offers: [
                  { value: asThing(c.terms.title), kinds: ['thing'], words: ['券', '名称', '商品', '权益'] },
                  { value: asDate(endDay), kinds: ['date', 'time'], words: ['到期', '过期', '有效', '截止'] },
                ],
              },
            );
          await sendCounted(state, c.logged, data, {
            key: `coupon-expiry:${c._id}`,
            memberId: member._id,
            openid: member.openid,
            purpose: 'coupon_expiry',
            now,
            template,
          });
          state.processed += 1;
        },
      },
    ],
  });
  return run;
}
