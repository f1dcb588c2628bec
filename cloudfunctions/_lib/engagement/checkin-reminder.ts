import { businessDate, businessDateKey, addBusinessDays } from '../../../shared/calendar';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { fillTemplate, templateFor } from '../messages';
import type { CheckinStateDoc } from './checkin';
import { initial, membersById, loggedKeys, sendCounted, type MemberJobCounters } from './member-jobs';

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
            fillTemplate(
              template,
              { thing: [asThing(streakLine), '签到领积分'], date: [asDate(today)], number: [String(s.streak)], phrase: ['待签到'] },
              { nickname: member.nickname, today, offers: [{ value: String(s.streak), kinds: ['number'], words: ['连续', '天数'] }] },
            );
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
