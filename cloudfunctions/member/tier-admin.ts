import { AppError } from '../../shared/errors';
import { DEFAULT_TIER_CONFIG, reviewPeriodOf, reviewTier, type TierConfig } from '../../shared/rules/tiers';
import type { TierConfigDoc, TierSettings } from '../../shared/schemas/tiers';
import type { MemberDoc } from '../../shared/schemas/member';
import { businessDate } from '../../shared/calendar';
import { database } from '../_lib/cloud';
import { inTransaction, queryDocs, txGet } from '../_lib/db';
import { loadTierConfig, recordTierChange } from '../_lib/tiers';

function settingsOf(c: TierConfig): TierSettings {
  return { basis: c.basis, growthPerYuan: c.growthPerYuan, graceDays: c.graceDays, tiers: c.tiers };
}

export async function getTierConfigWithHistory(): Promise<{ config: TierConfig; history: { version: number; updatedAt: string; updatedBy: string }[] }> {
  const config = await loadTierConfig();
  const _ = database().command;
  const past = await queryDocs<TierConfigDoc>(database().collection('tier_configs').where({ _id: _.neq('current') }).orderBy('version', 'desc').limit(50));
  return { config, history: past.map((d) => ({ version: d.version, updatedAt: new Date(d.updatedAt).toISOString(), updatedBy: d.updatedBy })) };
}

/** Saves a new version (validated by the request schema) and keeps every past one as `v<N>`. */
export async function updateTierConfig(settings: TierSettings, expectedVersion: number | undefined, updatedBy: string, now: Date): Promise<TierConfig> {
  return inTransaction(async (tx) => {
    const current = await txGet<TierConfigDoc>(tx, 'tier_configs', 'current');
    const currentVersion = current?.version ?? DEFAULT_TIER_CONFIG.version;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw new AppError('TIER_CONFIG_VERSION_CONFLICT', undefined, { currentVersion });
    }
    if (!current) {
      // Keep the defaults the members were rated under as version 1 of the history.
      await tx.collection('tier_configs').doc(`v${currentVersion}`).set({ data: { ...settingsOf(DEFAULT_TIER_CONFIG), version: currentVersion, updatedAt: now, updatedBy: 'default' } });
    }
    const version = currentVersion + 1;
    const data = { ...settings, version, updatedAt: now, updatedBy };
    await tx.collection('tier_configs').doc(`v${version}`).set({ data });
    await tx.collection('tier_configs').doc('current').set({ data });
    return { ...settings, version };
  });
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

interface OrderLike {
  amountFen: number;
  refundedFen?: number;
  paidAt: Date;
}

/** Growth value from the last 12 months of orders: floor(net yuan) × growthPerYuan per order. */
export async function rollingGrowth(memberId: string, now: Date, growthPerYuan: number): Promise<number> {
  const _ = database().command;
  let total = 0;
  for (let skip = 0; ; skip += 1000) {
    const page = await queryDocs<OrderLike>(
      database().collection('orders').where({ memberId, paidAt: _.gte(new Date(now.getTime() - YEAR_MS)) }).orderBy('paidAt', 'desc').skip(skip).limit(1000),
    );
    for (const o of page) total += Math.floor(Math.max(0, o.amountFen - (o.refundedFen ?? 0)) / 100) * growthPerYuan;
    if (page.length < 1000) break;
  }
  return Math.floor(total);
}

export interface ReviewRun {
  period: string;
  reviewed: number;
  upgraded: number;
  downgraded: number;
  graceStarted: number;
  done: boolean;
}

/**
 * The periodic review (timer trigger). Finds the members not yet reviewed this period among those
 * above the base tier or holding growth (indexed), in chunks, within a time budget; each member is
 * reviewed in its own transaction and marked with the period, so a second run (or the next day's
 * run continuing an unfinished review) never reviews anyone twice.
 */
export async function runTierReview(now: Date, options: { budgetMs?: number; chunk?: number } = {}): Promise<ReviewRun> {
  const started = Date.now();
  const budget = options.budgetMs ?? 40_000;
  const chunk = options.chunk ?? 50;
  const config = await loadTierConfig();
  const period = reviewPeriodOf(businessDate(now));
  const base = config.tiers[0].id;
  const _ = database().command;
  const run: ReviewRun = { period, reviewed: 0, upgraded: 0, downgraded: 0, graceStarted: 0, done: false };
  const skipped = new Set<string>();
  while (Date.now() - started < budget) {
    const due = await queryDocs<MemberDoc>(
      database()
        .collection('members')
        .where(_.and([{ lastReviewPeriod: _.neq(period) }, _.or([{ tierId: _.neq(base) }, { growth: _.gt(0) }])]))
        .limit(chunk),
    );
    const todo = due.filter((m) => !skipped.has(m._id));
    if (todo.length === 0) {
      run.done = true;
      break;
    }
    for (const m of todo) {
      if (m.deletedAt) {
        skipped.add(m._id);
        continue;
      }
      const growth = config.basis === 'rolling12m' ? await rollingGrowth(m._id, now, config.growthPerYuan) : null;
      const outcome = await inTransaction(async (tx) => {
        const member = await txGet<MemberDoc>(tx, 'members', m._id);
        if (!member || member.lastReviewPeriod === period) return null;
        const { state, changes } = reviewTier(member, growth ?? member.growth, config, now, period);
        for (const change of changes) await recordTierChange(tx, member._id, change, config.version);
        await tx.collection('members').doc(member._id).update({
          data: { tierId: state.tierId, growth: state.growth, tierSince: state.tierSince ?? member.registeredAt, graceStartedAt: state.graceStartedAt ?? null, lastReviewPeriod: period },
        });
        return changes;
      });
      if (!outcome) continue;
      run.reviewed += 1;
      for (const c of outcome) {
        if (c.kind === 'upgrade') run.upgraded += 1;
        else if (c.kind === 'downgrade') run.downgraded += 1;
        else run.graceStarted += 1;
      }
    }
  }
  return run;
}
