import { businessDate, addBusinessDays, startOfBusinessDate } from '../../../shared/calendar';
import { database } from '../platform/cloud';
import { count, withRetry } from '../platform/db';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';

interface DailyStats {
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
        count(db.collection('members').where({ registeredAt: _.lt(to) })),
        count(db.collection('members').where({ registeredAt: range })),
        count(db.collection('orders').where({ paidAt: range })),
        count(db.collection('checkin_state').where({ lastDay: day })),
        count(db.collection('message_log').where({ status: 'sent', createdAt: range })),
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
