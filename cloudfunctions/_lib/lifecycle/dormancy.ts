/**
 * The dormancy lifecycle job (`dormancy`, see `shared/schedule.ts`): members without a purchase for
 * `warningDays` (default 30) enter 预警 with a come-back coupon and a message, at `sleepingDays` (90)
 * 沉睡, at `lostDays` (180) 流失 with the 老友回归礼 recall (coupon and message). Days count from the last
 * purchase (`purchases.lastAt`), or from registration for a member who never bought.
 *
 * - Selection: per stage, the members whose dormancy started in the window of instants that crossed
 *   the stage's threshold since the last finished run (`job_state/dormancy.through`), walked on the
 *   indexed `purchases.lastAt` (and `registeredAt` for those without purchases) by a forward cursor.
 *   The first run looks back `FIRST_RUN_DAYS` only: no flood of messages to everyone dormant on the
 *   day the feature arrives. A run that did not finish leaves `through` as it was: the next day's
 *   windows cover its range again, and the keys below make that harmless.
 * - Once: the coupon and the message are keyed `dormancy:<member>:<stage>:<episode>` (the episode is
 *   the instant the dormancy counts from), and the stage is written last to `member_lifecycle/<member>`
 *   (`{ stage, since, episodeLastAt, couponIds }`), in a transaction that never moves a stage back.
 *   A run twice, two runs overlapping, or a chunk a crash interrupted gives and sends nothing twice.
 * - A purchase moves `purchases.lastAt`: the member is active again (`currentStage`), the old
 *   document simply no longer applies, and the next dormancy is a new episode with new keys.
 */
import { addBusinessDays, businessDate, businessDateKey } from '../../../shared/calendar';
import type { MemberLifecycleView } from '../../../shared/contracts/marketing';
import { AppError } from '../../../shared/errors';
import {
  currentStage,
  daysBetween,
  dormancyStage,
  STAGE_LABELS,
  episodeKey,
  episodeStart,
  stageCutoff,
  stageDays,
  DORMANCY_STAGES,
  type DormancyStage,
  type LifecycleSettings,
} from '../../../shared/rules/lifecycle';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { IssueProblem } from '../../../shared/rules/coupons';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { getById, inTransaction, txGet, withRetry } from '../platform/db';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { countSend, fillTemplate, sendMessage, templateFor, type TemplateDoc } from '../messages';
import { issueCoupon, isIssueRefusal, templateIssueProblem } from '../coupons';
import { loadLifecycleSettings } from './settings';
import type { MemberLifecycleDoc } from '../../../shared/schemas/engagement';
import { walkByInstant, type InstantWindow } from '../platform/job-walks';

/** `job_state/dormancy`: the instants each stage's windows have been walked to, by finished runs. */
interface DormancyState {
  through: Partial<Record<DormancyStage, string>>;
}

/** How far back the very first run looks (a new feature does not message everyone dormant at once). */
const FIRST_RUN_DAYS = 7;

const FIELDS = ['purchases.lastAt', 'registeredAt'] as const;
type WalkField = (typeof FIELDS)[number];

interface StageWindow extends InstantWindow {
  stage: DormancyStage;
  field: WalkField;
}

interface DormancyCounters {
  day: string;
  processed: number;
  skipped: number;
  sent: number;
  notSent: number;
  issued: number;
  /** coupons not given, and why: the templates' problems at the run's start, the refusals by code */
  notIssued: number;
  couponProblems: { warning: IssueProblem | null; lost: IssueProblem | null };
  notIssuedWhy: Record<string, number>;
  warning: number;
  sleeping: number;
  lost: number;
  /** per step: the stage, the walked field and its window (kept in the checkpoint: a resumed run walks the same) */
  windows: StageWindow[];
}

const STAGE_RANK: Record<DormancyStage, number> = { warning: 1, sleeping: 2, lost: 3 };

/** The windows of `today`: for each stage, the instants that crossed its threshold since `through`. */
function windowsFor(today: string, settings: LifecycleSettings['dormancy'], state: DormancyState | null): StageWindow[] {
  const days = stageDays(settings);
  // The longest stage first: a member a missed week carried over two thresholds is acted on at the later one.
  return [...DORMANCY_STAGES].reverse().flatMap((stage) => {
    const to = stageCutoff(today, days[stage]);
    const from = state?.through[stage] ?? stageCutoff(addBusinessDays(today, -FIRST_RUN_DAYS), days[stage]).toISOString();
    return FIELDS.map((field) => ({ stage, field, from, to: to.toISOString() }));
  });
}

export async function runDormancy(now: Date, options: JobOptions = {}): Promise<JobRun<DormancyCounters>> {
  const today = businessDate(now);
  const { settings } = await loadLifecycleSettings();
  const dormancy = settings.dormancy;
  const stored = await getById<DormancyState>('job_state', 'dormancy');
  const template = await templateFor('dormancy');
  const windows = windowsFor(today, dormancy, stored);
  // One read each: a coupon that cannot issue is not tried per member, and the run says why.
  const problemOf = async (id: string | null) => (dormancy.enabled && id ? templateIssueProblem(id, 'campaign', now) : null);
  const couponProblems = { warning: await problemOf(dormancy.warningCouponTemplateId), lost: await problemOf(dormancy.recallCouponTemplateId) };
  const { run } = await runJob<DormancyCounters>({
    job: 'dormancy',
    occurrence: businessDateKey(now),
    ...options,
    initial: () => ({
      day: today,
      processed: 0,
      skipped: 0,
      sent: 0,
      notSent: 0,
      issued: 0,
      notIssued: 0,
      couponProblems,
      notIssuedWhy: {},
      warning: 0,
      sleeping: 0,
      lost: 0,
      windows,
    }),
    steps: windows.map((w, i) => ({
      name: `${w.stage}-${w.field}`,
      ...walkByInstant<MemberDoc, DormancyCounters>('members', w.field, (state) => (dormancy.enabled ? (state.windows[i] ?? w) : null)),
      process: async (m: MemberDoc, state: DormancyCounters) => {
        const acted = await actOn(m, w.stage, w.field, { today, now, settings: dormancy, template }, state);
        if (acted) state.processed += 1;
        else state.skipped += 1;
      },
    })),
    finish: async (state) => {
      // The next run starts where this one's windows ended (only a finished run moves it).
      const through: DormancyState['through'] = {};
      for (const w of state.windows) through[w.stage] = w.to;
      await withRetry(
        () =>
          database()
            .collection('job_state')
            .doc('dormancy')
            .set({ data: { through, at: now } }) as Promise<unknown>,
      );
    },
  });
  return run;
}

interface Context {
  today: string;
  now: Date;
  settings: LifecycleSettings['dormancy'];
  template: TemplateDoc | null;
}

/** One member at one stage: the coupon and message of the stage (keyed), then the stage. False: nothing to do. */
async function actOn(m: MemberDoc, stage: DormancyStage, field: WalkField, ctx: Context, state: DormancyCounters): Promise<boolean> {
  if (m.deletedAt) return false;
  // Members with purchases are walked by their last purchase, not by registration.
  if (field === 'registeredAt' && m.purchases) return false;
  const since = episodeStart(m);
  // Moved on (a missed run: a later window acts), or bought since the window was read.
  if (dormancyStage(since, ctx.today, ctx.settings) !== stage) return false;
  const recorded = await getById<MemberLifecycleDoc>('member_lifecycle', m._id);
  if (recorded && sameInstant(recorded.episodeLastAt, since) && STAGE_RANK[recorded.stage] >= STAGE_RANK[stage]) return false;

  const key = `dormancy:${m._id}:${stage}:${episodeKey(since)}`;
  const couponTemplateId = stage === 'warning' ? ctx.settings.warningCouponTemplateId : stage === 'lost' ? ctx.settings.recallCouponTemplateId : null;
  let couponId: string | null = null;
  let couponTitle: string | null = null;
  const problem = stage === 'sleeping' ? null : state.couponProblems[stage];
  const notIssued = (why: string) => {
    state.notIssued += 1;
    state.notIssuedWhy[why] = (state.notIssuedWhy[why] ?? 0) + 1;
  };
  if (couponTemplateId && problem) notIssued(problem);
  else if (couponTemplateId) {
    try {
      const issued = await issueCoupon({ templateId: couponTemplateId, memberId: m._id, key, channel: 'campaign', now: ctx.now });
      if (!issued.duplicate) state.issued += 1;
      couponId = issued.couponId;
      couponTitle = issued.coupon.terms.title;
    } catch (e) {
      // Out of stock, paused, over the member's limit: the message and the stage still go; the run says so.
      if (!isIssueRefusal(e)) throw e;
      notIssued(e.code);
    }
  }
  if (stage !== 'sleeping') {
    const idle = String(Math.max(0, Math.round((ctx.now.getTime() - since.getTime()) / 86_400_000)));
    const lines =
      stage === 'warning'
        ? [asThing(`好久不见，${couponTitle ? `${couponTitle}已到账` : '期待您再次光临'}`), '回来看看有什么新品']
        : [asThing(`老友回归礼${couponTitle ? `：${couponTitle}已到账` : '等您来领'}`), '好久不见，我们很想念您'];
    const data =
      ctx.template &&
      fillTemplate(
        ctx.template,
        {
          thing: lines,
          phrase: [stage === 'warning' ? '回归有礼' : '老友回归礼'],
          date: [asDate(ctx.today)],
          number: [idle],
          character_string: [couponId ?? m.cardNo],
        },
        {
          nickname: m.nickname,
          today: ctx.today,
          offers: couponTitle ? [{ value: asThing(couponTitle), kinds: ['thing'], words: ['券', '礼', '权益'] }] : [],
        },
      );
    countSend(
      state,
      data ? await sendMessage({ key, memberId: m._id, openid: m.openid, purpose: 'dormancy', data, now: ctx.now, template: ctx.template }) : null,
    );
  }
  const written = await inTransaction(async (tx) => {
    const doc = await txGet<MemberLifecycleDoc>(tx, 'member_lifecycle', m._id);
    const same = doc && sameInstant(doc.episodeLastAt, since);
    if (same && STAGE_RANK[doc.stage] >= STAGE_RANK[stage]) return false;
    const couponIds = [...(same ? doc.couponIds : []), ...(couponId ? [couponId] : [])];
    const next: Omit<MemberLifecycleDoc, '_id'> = {
      memberId: m._id,
      stage,
      since: ctx.now,
      episodeLastAt: since,
      couponIds: [...new Set(couponIds)],
      updatedAt: ctx.now,
    };
    await tx.collection('member_lifecycle').doc(m._id).set({ data: next });
    return true;
  });
  if (written) state[stage] += 1;
  return true;
}

const sameInstant = (a: Date | string, b: Date) => new Date(a).getTime() === b.getTime();

/** The merchant's view of one member's lifecycle (a purchase since the recorded episode reads as active). */
export async function memberLifecycle(memberId: string, now: Date): Promise<MemberLifecycleView> {
  const [member, recorded] = await Promise.all([getById<MemberDoc>('members', memberId), getById<MemberLifecycleDoc>('member_lifecycle', memberId)]);
  if (!member || member.deletedAt) throw new AppError('MEMBER_NOT_FOUND');
  const stage = currentStage(member, recorded ? { stage: recorded.stage, episodeLastAt: new Date(recorded.episodeLastAt) } : null);
  const p = member.purchases;
  return {
    memberId,
    stage,
    label: STAGE_LABELS[stage],
    stageSince: stage !== 'active' && recorded ? new Date(recorded.since).toISOString() : null,
    purchases: p ? { count: p.count, amountFen: p.amountFen, firstAt: new Date(p.firstAt).toISOString(), lastAt: new Date(p.lastAt).toISOString() } : null,
    idleDays: daysBetween(businessDate(episodeStart(member)), businessDate(now)),
  };
}
