import { businessDate, businessDateKey } from '../../../shared/calendar';
import { birthdayWindow } from '../../../shared/rules/engagement';
import { asDate, asThing, memberCalled } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { fillTemplate, templateFor } from '../messages';
import { couponIdFor, issueCoupon, isIssueRefusal, templateIssueProblem } from '../coupons';
import { database } from '../platform/cloud';
import { queryDocs } from '../platform/db';
import { loadEngagementSettings } from './settings';
import { countNotIssued, initial, initialIssue, loggedKeys, sendCounted, type IssueCounters, type MemberJobCounters } from './member-jobs';

interface BirthdayCounters extends MemberJobCounters, IssueCounters {
  target: string;
}

/**
 * The birthday gift: `leadDays` (default 3) before the birthday, a coupon (`birthday:<year>:<member>`,
 * once a year whatever the runs) and a greeting (`message_log/birthday:<year>:<member>`). Members are
 * found by the indexed `birthdayMD` (29 February birthdays on 28 February in other years). Each run
 * also walks the birthdays between today and the target (`birthdayWindow`): a birthday set inside the
 * lead window is gifted on the next run; the members already gifted are known from the chunk's one
 * log query and cost nothing more.
 */
export async function runBirthday(now: Date, options: JobOptions = {}): Promise<JobRun<BirthdayCounters>> {
  const today = businessDate(now);
  const { settings } = await loadEngagementSettings();
  const window = birthdayWindow(today, settings.birthday.leadDays);
  const target = window[0];
  const template = await templateFor('birthday');
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
    // One step per celebrated month-day of the window (two on 28 February of a common year): an
    // equality on the indexed `birthdayMD`, walked by `_id`.
    steps: window.flatMap(({ day, year, monthDays }) => {
      const keyOf = (memberId: string) => `birthday:${year}:${memberId}`;
      const late = day !== target.day;
      return monthDays.map((md) => ({
        name: late ? `greet-${md}-late` : `greet-${md}`,
        ...walkById<MemberDoc, MemberDoc & { logged: Set<string>; gifted: Set<string> }>(
          'members',
          settings.birthday.enabled ? { birthdayMD: md } : null,
          async (members) => {
            const keys = members.map((m) => keyOf(m._id));
            // A late day's members were mostly gifted by an earlier run: their coupons, in one query.
            const [logged, gifted] = await Promise.all([loggedKeys(keys), late && giftId ? giftedKeys(keys) : new Set<string>()]);
            return members.map((m) => ({ ...m, logged, gifted }));
          },
        ),
        process: async (m: MemberDoc & { logged: Set<string>; gifted: Set<string> }, state: BirthdayCounters) => {
          if (m.deletedAt) {
            state.skipped += 1;
            return;
          }
          const key = keyOf(m._id);
          // A late day (a birthday set inside the lead window): the members an earlier run gifted or greeted are done.
          if (late && (m.logged.has(key) || m.gifted.has(key))) {
            state.skipped += 1;
            return;
          }
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
          const called = memberCalled(m.nickname);
          const data =
            template &&
            fillTemplate(
              template,
              {
                thing: [asThing(`${called}，生日快乐`), asThing(`${couponTitle}已到账，记得使用`)],
                date: [asDate(day)],
                phrase: ['生日快乐'],
              },
              {
                nickname: m.nickname,
                today,
                offers: [
                  { value: asThing(couponTitle), kinds: ['thing'], words: ['名称'] },
                  { value: asThing(`${couponTitle}已到账，记得使用`), kinds: ['thing'], words: ['礼', '券', '奖品', '权益'] },
                  { value: asThing(`${called}，生日快乐`), kinds: ['thing'], words: ['祝福', '内容', '提示', '备注', '说明'] },
                  { value: asDate(day), kinds: ['date', 'time'], words: ['生日'] },
                ],
              },
            );
          await sendCounted(state, m.logged, data, { key, memberId: m._id, openid: m.openid, purpose: 'birthday', now, template });
          state.processed += 1;
        },
      }));
    }),
  });
  return run;
}

/** Which of the chunk's gift keys have their coupon already (issued by an earlier run), in one query. */
async function giftedKeys(keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const db = database();
  const ids = new Map(keys.map((k) => [couponIdFor(k), k]));
  const docs = await queryDocs<{ _id: string }>(
    db
      .collection('coupons')
      .where({ _id: db.command.in([...ids.keys()]) })
      .field({ _id: true })
      .limit(ids.size),
  );
  return new Set(docs.map((d) => ids.get(d._id)!));
}
