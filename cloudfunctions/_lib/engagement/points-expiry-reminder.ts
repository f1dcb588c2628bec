import { businessDate, businessDateKey, addBusinessDays } from '../../../shared/calendar';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { fillTemplate, templateFor } from '../messages';
import { loadEngagementSettings } from './settings';
import { initial, loggedKeys, sendCounted, type MemberJobCounters } from './member-jobs';

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
              fillTemplate(
                template,
                {
                  number: [String(amount)],
                  date: [asDate(on)],
                  thing: [asThing(`您有${amount}积分将于${lead}天后过期`), '积分即将过期，请尽快使用'],
                  phrase: ['即将过期'],
                },
                {
                  nickname: m.nickname,
                  today,
                  offers: [
                    { value: String(amount), kinds: ['number'], words: ['积分', '数量', '数额'] },
                    { value: asDate(on), kinds: ['date', 'time'], words: ['到期', '过期', '有效', '截止'] },
                  ],
                },
              );
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
