/**
 * The member-tags job (`member-tags`, see `shared/schedule.ts`): every live member's automatic tags
 * (新会员, 活跃 / 预警 / 沉睡 / 流失, 高价值, 高频, 本月生日: shared/rules/member-tags.ts) on
 * `members.crm`, with the merchant's manual tags after them in `crm.tags`, the field the `tags`
 * filter queries.
 *
 * The tags move with the calendar (a stage is days without a purchase, a birthday month turns), so
 * the job walks every member by `_id`, a page of 100 per read, and writes only the members whose
 * automatic tags changed: a night costs one read per 100 members plus one request per change (on a
 * typical day the members crossing a stage threshold, the month's birthdays on the 1st). Each write
 * holds only while the member's manual tags are the ones read (a conditional update; failing that, a
 * transaction reads them afresh), so a merchant tagging at the same moment is never overwritten. It runs after `rfm-scores` (the 高价值 / 高频 tags read its scores).
 */
import { businessDate, businessDateKey } from '../../../shared/calendar';
import { allTags, autoTags, sameTags } from '../../../shared/rules/member-tags';
import type { LifecycleSettings } from '../../../shared/rules/lifecycle';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { inTransaction, txGet, withRetry } from '../platform/db';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById } from '../platform/job-walks';
import { loadLifecycleSettings } from '../lifecycle';
import { eachConcurrently, pagesOf, requestPacer, type MemberPage } from './pages';

interface TagCounters {
  day: string;
  processed: number;
  skipped: number;
  /** members looked at */
  walked: number;
  /** members whose automatic tags changed (written) */
  changed: number;
}

/** The member's automatic tags written with its manual ones, in one transaction; false when nothing changed. */
async function writeAutoTags(memberId: string, today: string, dormancy: LifecycleSettings['dormancy']): Promise<boolean> {
  return inTransaction(async (tx) => {
    const m = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!m || m.deletedAt) return false;
    const auto = autoTags(m, today, dormancy);
    const manual = m.crm?.manualTags ?? [];
    const tags = allTags(auto, manual);
    if (sameTags(m.crm?.autoTags, auto) && sameTags(m.crm?.tags, tags)) return false;
    await tx
      .collection('members')
      .doc(memberId)
      .update({ data: { 'crm.autoTags': auto, 'crm.manualTags': manual, 'crm.tags': tags } });
    return true;
  });
}

/**
 * The member's tags in ONE request: a conditional update that holds only while the manual tags are
 * still the ones the page read (else nothing is written and the transaction above decides afresh).
 * A first night writes every member: one request each instead of a transaction's four.
 */
async function writeIfManualUnchanged(m: MemberDoc, auto: string[]): Promise<boolean> {
  const db = database();
  const _ = db.command;
  const manual = m.crm?.manualTags;
  const res = (await withRetry(
    () =>
      db
        .collection('members')
        .where({ _id: m._id, deletedAt: _.exists(false), 'crm.manualTags': manual === undefined ? _.exists(false) : manual })
        .update({
          data: { 'crm.autoTags': _.set(auto), 'crm.manualTags': _.set(manual ?? []), 'crm.tags': _.set(allTags(auto, manual ?? [])) },
        }) as Promise<unknown>,
  )) as { stats?: { updated?: number } };
  return (res.stats?.updated ?? 0) > 0;
}

export async function runMemberTags(now: Date, options: JobOptions = {}): Promise<JobRun<TagCounters>> {
  const today = businessDate(now);
  const { settings } = await loadLifecycleSettings();
  const dormancy = settings.dormancy;
  const pacer = requestPacer(options);
  const { run } = await runJob<TagCounters>({
    job: 'member-tags',
    occurrence: businessDateKey(now),
    ...pacer.runner,
    initial: () => ({ day: today, processed: 0, skipped: 0, walked: 0, changed: 0 }),
    steps: [
      {
        name: 'tags',
        ...pagesOf(walkById<MemberDoc>('members', {}), pacer, async () => undefined),
        process: async (page: MemberPage<undefined>, state: TagCounters) => {
          // Decided on the page as read; only a member whose tags look changed costs a transaction.
          const stale = page.members.filter((m) => !m.deletedAt && !sameTags(m.crm?.autoTags, autoTags(m, today, dormancy)));
          state.walked += page.members.length;
          state.skipped += page.members.length - stale.length;
          await eachConcurrently(stale, async (m) => {
            await pacer.pace();
            if ((await writeIfManualUnchanged(m, autoTags(m, today, dormancy))) || (await writeAutoTags(m._id, today, dormancy))) {
              state.changed += 1;
              state.processed += 1;
            } else state.skipped += 1;
          });
        },
      },
    ],
  });
  return run;
}
