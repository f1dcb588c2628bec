/**
 * The engagement jobs the scheduler runs (see `shared/schedule.ts` for their schedules): the birthday
 * gift, the points-expiry, coupon-expiry and check-in reminders, and the daily statistics snapshot.
 *
 * Every one is a checkpointed run (`jobs.ts`) that:
 * - selects through an indexed field (`birthdayMD`, `points.lots.expiresOn`, coupons `status` +
 *   `endsAt`, `checkin_state` `remind` + `lastDay`), walking it by `_id` with a cursor so a resumed run
 *   (after a crash or a spent budget) continues where the last checkpoint left it;
 * - does each member's work under a key per member per occurrence (the coupon's issue key, the
 *   message's log key), so a run twice, two runs overlapping past a lost lease, or the chunk a crash
 *   interrupted, never gives or sends anything twice;
 * - keeps to the configured rate (the runner's pacing) and leaves its counters for the run record
 *   (`processed`: members handled, `skipped`: nothing to do or refused, `errors`: failures).
 */
import { businessDate, businessDateKey, addBusinessDays, startOfBusinessDate } from '../../shared/calendar';
import { birthdayTarget } from '../../shared/rules/engagement';
import { asDate, asThing } from '../../shared/rules/message-fields';
import type { MemberDoc } from '../../shared/schemas/member';
import type { CouponDoc } from '../../shared/schemas/coupon';
import { database } from './cloud';
import { count, queryDocs, withRetry } from './db';
import { runJob, type JobOptions, type JobRun } from './jobs';
import { walkById } from './job-walks';
import { countSend, fillTemplate, sendMessage, templateFor, type MessageRequest } from './messages';
import { issueCoupon, isIssueRefusal } from './coupons';
import type { CheckinStateDoc } from './checkin';
import { loadEngagementSettings, saveEngagementSettings } from './engagement-settings';

export { loadEngagementSettings, saveEngagementSettings };

/** The counters every member job keeps (the run record reads `processed` and `skipped`). */
export interface MemberJobCounters {
  day: string;
  processed: number;
  skipped: number;
  sent: number;
  /** sends not made: no credit, invalid values, platform refusals (logged per member in `message_log`) */
  notSent: number;
}

const initial = (day: string) => (): MemberJobCounters => ({ day, processed: 0, skipped: 0, sent: 0, notSent: 0 });

/** The chunk's members by id, in one query. */
async function membersById(ids: string[]): Promise<Map<string, MemberDoc>> {
  if (ids.length === 0) return new Map();
  const db = database();
  const unique = [...new Set(ids)];
  const docs = await queryDocs<MemberDoc>(
    db
      .collection('members')
      .where({ _id: db.command.in(unique) })
      .limit(unique.length),
  );
  return new Map(docs.map((m) => [m._id, m]));
}

/** Which of the chunk's message keys are logged already (sent or refused before: never sent again), in one query. */
async function loggedKeys(keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const db = database();
  const docs = await queryDocs<{ _id: string }>(
    db
      .collection('message_log')
      .where({ _id: db.command.in(keys) })
      .field({ _id: true })
      .limit(keys.length),
  );
  return new Set(docs.map((d) => d._id));
}

/**
 * The member's message through the one send path, counted in `state`: nothing when there is no
 * template or its fields could not be filled (`data` null); a duplicate, as the path would answer,
 * when the chunk's read found its key logged already.
 */
async function sendCounted(
  state: MemberJobCounters,
  logged: Set<string>,
  data: Record<string, string> | null,
  req: Omit<MessageRequest, 'data'>,
): Promise<void> {
  if (!data) return;
  countSend(state, logged.has(req.key) ? { status: 'duplicate' } : await sendMessage({ ...req, data, knownAbsent: true }));
}

// ------------------------------------------------------------------ birthday

export interface BirthdayCounters extends MemberJobCounters {
  target: string;
  issued: number;
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
  const { run } = await runJob<BirthdayCounters>({
    job: 'birthday',
    occurrence: businessDateKey(now),
    ...options,
    // Every issue of the gift updates the one template's stock in its transaction: members worked on
    // at once only conflict there (the bench saw retries exhausted at 16), so one at a time.
    ...(settings.birthday.couponTemplateId ? { concurrency: 1 } : {}),
    initial: () => ({ ...initial(today)(), target: target.day, issued: 0 }),
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
        if (settings.birthday.couponTemplateId) {
          try {
            const issued = await issueCoupon({ templateId: settings.birthday.couponTemplateId, memberId: m._id, key, channel: 'birthday', now });
            if (!issued.duplicate) state.issued += 1;
            couponTitle = issued.coupon.terms.title;
          } catch (e) {
            // Out of stock, paused, over the member's limit: the greeting still goes; the run says so.
            if (!isIssueRefusal(e)) throw e;
            state.skipped += 1;
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

// ------------------------------------------------------------------ points expiry reminder

/**
 * Members whose lots expire in exactly `daysBefore` days (30 and 7 by default): one reminder per
 * member, lot date and lead (`points-expiry:<member>:<expiresOn>:<lead>`), with the points left to
 * expire that day. Found by the index on the lots' `expiresOn`.
 */
export async function runPointsExpiryReminder(now: Date, options: JobOptions = {}): Promise<JobRun<MemberJobCounters>> {
  const today = businessDate(now);
  const { settings } = await loadEngagementSettings();
  const days = settings.pointsExpiry.daysBefore.map((lead) => ({ lead, on: addBusinessDays(today, lead) }));
  const template = await templateFor('points_expiry');
  const keyOf = (memberId: string, on: string, lead: number) => `points-expiry:${memberId}:${on}:${lead}`;
  const _ = database().command;
  const { run } = await runJob<MemberJobCounters>({
    job: 'points-expiry-reminder',
    occurrence: businessDateKey(now),
    ...options,
    initial: initial(today),
    steps: [
      {
        name: 'remind',
        // index points.lots.expiresOn (multikey); the chunk's logged keys in one query
        ...walkById<MemberDoc, MemberDoc & { logged: Set<string> }>('members', { 'points.lots.expiresOn': _.in(days.map((d) => d.on)) }, async (members) => {
          const logged = await loggedKeys(members.flatMap((m) => days.map(({ lead, on }) => keyOf(m._id, on, lead))));
          return members.map((m) => ({ ...m, logged }));
        }),
        process: async (m: MemberDoc & { logged: Set<string> }, state) => {
          const lots = (m.points?.lots ?? []) as { remaining: number; expiresOn: string }[];
          let any = false;
          for (const { lead, on } of days) {
            const amount = lots.filter((l) => l.expiresOn === on).reduce((s, l) => s + l.remaining, 0);
            if (amount <= 0 || m.deletedAt) continue;
            any = true;
            const data =
              template &&
              fillTemplate(template, {
                number: [String(amount)],
                date: [asDate(on)],
                thing: [asThing(`您有${amount}积分将于${lead}天后过期`), '积分即将过期，请尽快使用'],
                phrase: ['即将过期'],
              });
            await sendCounted(state, m.logged, data, {
              key: keyOf(m._id, on, lead),
              memberId: m._id,
              openid: m.openid,
              purpose: 'points_expiry',
              now,
              template,
            });
          }
          if (any) state.processed += 1;
          else state.skipped += 1;
        },
      },
    ],
  });
  return run;
}

// ------------------------------------------------------------------ coupon expiry reminder

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
            fillTemplate(template, {
              thing: [asThing(c.terms.title), '优惠券即将过期，请尽快使用'],
              date: [asDate(endDay)],
              phrase: ['即将过期'],
              character_string: [c._id],
            });
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

// ------------------------------------------------------------------ check-in reminder

/** The opted-in (`checkin_state.remind`) who have not checked in today: one reminder a day (`checkin-reminder:<member>:<yyyymmdd>`). */
export async function runCheckinReminder(now: Date, options: JobOptions = {}): Promise<JobRun<MemberJobCounters>> {
  const today = businessDate(now);
  const template = await templateFor('checkin_reminder');
  const keyOf = (memberId: string) => `checkin-reminder:${memberId}:${businessDateKey(now)}`;
  const _ = database().command;
  const { run } = await runJob<MemberJobCounters>({
    job: 'checkin-reminder',
    occurrence: businessDateKey(now),
    ...options,
    initial: initial(today),
    steps: [
      {
        name: 'remind',
        // index checkin_state.remind_lastDay; the chunk's members and logged keys in one query each
        ...walkById<CheckinStateDoc, CheckinStateDoc & { member: MemberDoc | null; logged: Set<string> }>(
          'checkin_state',
          { remind: true, lastDay: _.lt(today) },
          async (states) => {
            const [members, logged] = await Promise.all([membersById(states.map((s) => s.memberId)), loggedKeys(states.map((s) => keyOf(s.memberId)))]);
            return states.map((s) => ({ ...s, member: members.get(s.memberId) ?? null, logged }));
          },
        ),
        process: async (s, state) => {
          const member = s.member;
          if (!member || member.deletedAt) {
            state.skipped += 1;
            return;
          }
          const streakLine = s.lastDay === addBusinessDays(today, -1) ? `已连续签到${s.streak}天，别断签哦` : '今天还没有签到';
          const data =
            template &&
            fillTemplate(template, { thing: [asThing(streakLine), '签到领积分'], date: [asDate(today)], number: [String(s.streak)], phrase: ['待签到'] });
          await sendCounted(state, s.logged, data, {
            key: keyOf(member._id),
            memberId: member._id,
            openid: member.openid,
            purpose: 'checkin_reminder',
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

// ------------------------------------------------------------------ daily statistics

export interface DailyStats {
  day: string;
  processed: number;
  skipped: number;
  members: number;
  newMembers: number;
  orders: number;
  checkins: number;
  messagesSent: number;
}

/**
 * Yesterday's snapshot (`stats_daily/<yyyymmdd>`): counts by indexed ranges (`registeredAt`, `paidAt`,
 * `message_log.status` + `createdAt`, `checkin_state.lastDay`: members whose latest check-in was
 * yesterday, a lower bound once some of them checked in again after midnight), a handful of `count`
 * requests, never a scan.
 */
export async function runDailyStats(now: Date, options: JobOptions = {}): Promise<JobRun<DailyStats>> {
  const day = addBusinessDays(businessDate(now), -1);
  const from = startOfBusinessDate(day);
  const to = startOfBusinessDate(businessDate(now));
  const key = day.replace(/-/g, '');
  const db = database();
  const _ = db.command;
  const { run } = await runJob<DailyStats>({
    job: 'daily-stats',
    occurrence: key,
    ...options,
    initial: () => ({ day, processed: 0, skipped: 0, members: 0, newMembers: 0, orders: 0, checkins: 0, messagesSent: 0 }),
    steps: [],
    finish: async (s) => {
      const range = _.gte(from).and(_.lt(to));
      const [members, newMembers, orders, checkins, messagesSent] = await Promise.all([
        withRetry(() => count(db.collection('members').where({ registeredAt: _.lt(to) }))),
        withRetry(() => count(db.collection('members').where({ registeredAt: range }))),
        withRetry(() => count(db.collection('orders').where({ paidAt: range }))),
        withRetry(() => count(db.collection('checkin_state').where({ lastDay: day }))),
        withRetry(() => count(db.collection('message_log').where({ status: 'sent', createdAt: range }))),
      ]);
      Object.assign(s, { members, newMembers, orders, checkins, messagesSent, processed: 1 });
      await withRetry(
        () =>
          db
            .collection('stats_daily')
            .doc(key)
            .set({ data: { day, members, newMembers, orders, checkins, messagesSent, at: now } }) as Promise<unknown>,
      );
    },
  });
  return run;
}
