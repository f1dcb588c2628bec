import { businessDate, businessDateKey } from '../../../shared/calendar';
import { birthdayTarget } from '../../../shared/rules/engagement';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { fillTemplate, templateFor } from '../messages';
import { issueCoupon, isIssueRefusal, templateIssueProblem } from '../coupons';
import { loadEngagementSettings } from './settings';
import { countNotIssued, initial, initialIssue, loggedKeys, sendCounted, type IssueCounters, type MemberJobCounters } from './member-jobs';

export interface BirthdayCounters extends MemberJobCounters, IssueCounters {
  target: string;
}

/**
 * The birthday gift: `leadDays` (default 3) before the birthday, a coupon (`birthday:<year>:<member>`,
 * once a year whatever the runs) and a greeting (`message_log/birthday:<year>:<member>`). Members are
 * found by the indexed `birthdayMD` (29 February birthdays on 28 February in other years).
 */
export async function runBirthday(now: Date, options: JobOptions = {}): Promise<JobRun<BirthdayCounters>> {
  const today = businessDate(now);
  const { settings } = await loadEngagementSettings();
  const target = birthdayTarget(today, settings.birthday.leadDays);
  const template = await templateFor('birthday');
  const keyOf = (memberId: string) => `birthday:${target.year}:${memberId}`;
  const giftId = settings.birthday.enabled ? settings.birthday.couponTemplateId : null;
  // One read: a gift that cannot issue is not tried per member, and the run says why.
  const couponProblem = giftId ? await templateIssueProblem(giftId, 'birthday', now) : null;
  const { run } = await runJob<BirthdayCounters>({
    job: 'birthday',
    occurrence: businessDateKey(now),
    ...options,
    // Every issue of the gift updates the one template's stock in its transaction: members worked on
    // at once only conflict there (the bench saw retries exhausted at 16), so one at a time.
    ...(settings.birthday.couponTemplateId ? { concurrency: 1 } : {}),
    initial: () => ({ ...initial(today)(), ...initialIssue(couponProblem), target: target.day }),
    // One step per celebrated month-day (two on 28 February of a common year): an equality on the
    // indexed `birthdayMD`, walked by `_id`.
    steps: target.monthDays.map((md) => ({
      name: `greet-${md}`,
      ...walkById<MemberDoc, MemberDoc & { logged: Set<string> }>('members', settings.birthday.enabled ? { birthdayMD: md } : null, async (members) => {
        const logged = await loggedKeys(members.map((m) => keyOf(m._id)));
        return members.map((m) => ({ ...m, logged }));
      }),
      process: async (m: MemberDoc & { logged: Set<string> }, state: BirthdayCounters) => {
        if (m.deletedAt) {
          state.skipped += 1;
          return;
        }
        const key = keyOf(m._id);
        let couponTitle = '生日祝福';
        if (giftId && couponProblem) countNotIssued(state, couponProblem);
        else if (giftId) {
          try {
            const issued = await issueCoupon({ templateId: giftId, memberId: m._id, key, channel: 'birthday', now });
            if (!issued.duplicate) state.issued += 1;
            couponTitle = issued.coupon.terms.title;
          } catch (e) {
            // Out of stock, paused, over the member's limit: the greeting still goes; the run says so.
            if (!isIssueRefusal(e)) throw e;
            state.skipped += 1;
            countNotIssued(state, e.code);
          }
        }
        const data =
          template &&
          fillTemplate(template, {
            thing: [asThing(`${m.nickname || '会员'}，生日快乐`), asThing(`${couponTitle}已到账，记得使用`)],
            date: [asDate(target.day)],
            phrase: ['已到账'],
            name: [m.nickname || '会员'],
          });
        await sendCounted(state, m.logged, data, { key, memberId: m._id, openid: m.openid, purpose: 'birthday', now, template });
        state.processed += 1;
      },
    })),
  });
  return run;
}
