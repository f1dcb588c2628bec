import { AppError } from '../../shared/errors';
import { checkinContract, type CalendarDay } from '../../shared/contracts/checkin';
import { businessDate, businessDateKey } from '../../shared/calendar';
import {
  EMPTY_CHECKIN,
  alreadyCheckedIn,
  currentStreak,
  decideCheckIn,
  monthDocNeeded,
  decideMakeUp,
  makeUpRefusal,
  nextBonus,
  type CheckinState,
} from '../../shared/rules/checkin';
import { earn, spend, PointsRuleError } from '../../shared/rules/lots';
import { createMain, requireOpenid } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import { getById, inTransaction, isDuplicateKey, memberTurn, txGet } from '../_lib/platform/db';
import { applyEntry, memberPoints, txMember, loadRules } from '../_lib/points';
import { memberByOpenid } from '../_lib/members';
import { loadCheckinRules, monthDocId, saveCheckinRules, type CheckinMonthDoc, type CheckinStateDoc } from '../_lib/engagement';

const stateOf = (doc: CheckinStateDoc | null): CheckinState =>
  doc ? { lastDay: doc.lastDay, streak: doc.streak, longest: doc.longest, total: doc.total } : EMPTY_CHECKIN;
const emptyMonth = (memberId: string, month: string): CheckinMonthDoc => ({ _id: monthDocId(memberId, month), memberId, month, days: {}, makeUps: 0 });

export const main = createMain(checkinContract, {
  /**
   * Once per business day: the streak, the points through the ledger (`checkin:<member>:<yyyymmdd>`),
   * the state and the month, in one transaction. Two taps at once: one commits, the other conflicts,
   * is re-run and answers `already`.
   */
  checkIn: async (_input, ctx) => {
    const member = await memberByOpenid(requireOpenid(ctx));
    const [{ rules }, { rules: earning }] = await Promise.all([loadCheckinRules(), loadRules()]);
    const today = businessDate(ctx.now);
    const month = today.slice(0, 7);
    try {
      return await inTransaction(async (tx) => {
        const stateDoc = await txGet<CheckinStateDoc>(tx, 'checkin_state', member._id);
        const state = stateOf(stateDoc);
        // Read only when no day of this month is checked in yet: otherwise today is added to it unread.
        const monthDoc = monthDocNeeded(state, today) ? await txGet<CheckinMonthDoc>(tx, 'checkin_months', monthDocId(member._id, month)) : undefined;
        const d = decideCheckIn({ memberId: member._id, state, monthDoc, today, dayKey: businessDateKey(ctx.now), rules, earning });
        // Time went backwards (the clock was moved back): a clear answer, nothing written.
        if (d.kind === 'refused') throw new AppError(d.code, d.message);
        if (d.kind === 'already') return d.answer;
        const fresh = await txMember(tx, member._id);
        // The state says not yet today, so the entry is not looked up first: if the ledger holds it all
        // the same (the state was lost or restored), its add fails and the answer is `already` (below).
        await applyEntry(tx, fresh, d.entry, (p) => earn(p, d.lot), ctx.now, {}, { knownAbsent: true });
        const months = tx.collection('checkin_months').doc(monthDocId(member._id, d.month.month));
        if (d.month.op === 'addDay') await months.update({ data: { days: { [d.month.dd]: d.month.day } } });
        else await months.set({ data: { memberId: member._id, month: d.month.month, days: d.month.days, makeUps: d.month.makeUps } });
        await tx
          .collection('checkin_state')
          .doc(member._id)
          .set({ data: { ...d.state, memberId: member._id, remind: stateDoc?.remind ?? false, updatedAt: ctx.now } });
        return d.answer;
      }, memberTurn(member._id));
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      return alreadyCheckedIn(stateOf(await getById<CheckinStateDoc>('checkin_state', member._id)), today, rules);
    }
  },

  /** The month's page: checked days with their points, the streak as of today, the rules. Two reads. */
  calendar: async (input, ctx) => {
    const member = await memberByOpenid(requireOpenid(ctx));
    const today = businessDate(ctx.now);
    const month = input.month ?? today.slice(0, 7);
    const [{ rules }, stateDoc, monthDoc] = await Promise.all([
      loadCheckinRules(),
      getById<CheckinStateDoc>('checkin_state', member._id),
      getById<CheckinMonthDoc>('checkin_months', monthDocId(member._id, month)),
    ]);
    const state = stateOf(stateDoc);
    const days: CalendarDay[] = Object.entries(monthDoc?.days ?? {})
      .map(([dd, d]) => ({ day: `${month}-${dd}`, points: d.points, makeUp: d.makeUp === true }))
      .sort((a, b) => (a.day < b.day ? -1 : 1));
    const streak = currentStreak(state, today);
    return {
      month,
      today,
      days,
      checkedToday: state.lastDay === today,
      streak,
      longest: state.longest,
      monthPoints: days.reduce((s, d) => s + d.points, 0),
      available: memberPoints(member).available,
      remind: stateDoc?.remind ?? false,
      rules,
      nextBonus: nextBonus(streak, rules),
    };
  },

  /** 补签 (off by default): a missed day of this month within the window, for a cost, daily points only. */
  makeUp: async (input, ctx) => {
    const member = await memberByOpenid(requireOpenid(ctx));
    const [{ rules }, { rules: earning }] = await Promise.all([loadCheckinRules(), loadRules()]);
    const today = businessDate(ctx.now);
    const month = today.slice(0, 7);
    return inTransaction(async (tx) => {
      // Read: the month first (a refusal reads nothing more), then the member and the state.
      const monthDoc = (await txGet<CheckinMonthDoc>(tx, 'checkin_months', monthDocId(member._id, month))) ?? emptyMonth(member._id, month);
      const checked = Object.keys(monthDoc.days).map((dd) => `${month}-${dd}`);
      const refusal = makeUpRefusal(input.day, today, checked, monthDoc.makeUps, rules);
      if (refusal) throw new AppError('CHECKIN_MAKEUP_REFUSED', undefined, { reason: refusal });
      const fresh = await txMember(tx, member._id);
      const stateDoc = await txGet<CheckinStateDoc>(tx, 'checkin_state', member._id);
      // Decide: the whole effect from what was read.
      const d = decideMakeUp({ memberId: member._id, day: input.day, today, monthDoc, state: stateOf(stateDoc), rules, earning });
      if (d.kind === 'refused') throw new AppError('CHECKIN_MAKEUP_REFUSED', undefined, { reason: d.reason });
      // Write: the cost, the day's points, the month and the state, in this one transaction.
      const { cost } = d;
      if (cost) {
        await applyEntry(
          tx,
          fresh,
          cost.entry,
          (p) => {
            try {
              return spend(p, cost.amount);
            } catch (e) {
              if (e instanceof PointsRuleError) throw new AppError(e.code, e.message);
              throw e;
            }
          },
          ctx.now,
        );
      }
      const afterCost = await txMember(tx, member._id);
      await applyEntry(tx, afterCost, d.earn.entry, (p) => earn(p, d.earn.lot), ctx.now);
      await tx
        .collection('checkin_months')
        .doc(monthDoc._id)
        .set({ data: { memberId: member._id, ...d.month } });
      await tx
        .collection('checkin_state')
        .doc(member._id)
        .set({ data: { ...d.state, memberId: member._id, remind: stateDoc?.remind ?? false, updatedAt: ctx.now } });
      return d.answer;
    }, memberTurn(member._id));
  },

  /** Opts in or out of the daily check-in reminder (a subscribe message; the credit is asked for separately). */
  setReminder: async (input, ctx) => {
    const member = await memberByOpenid(requireOpenid(ctx));
    await inTransaction(async (tx) => {
      const doc = await txGet<CheckinStateDoc>(tx, 'checkin_state', member._id);
      await tx
        .collection('checkin_state')
        .doc(member._id)
        .set({ data: { ...stateOf(doc), memberId: member._id, remind: input.enabled, updatedAt: ctx.now } });
    }, memberTurn(member._id));
    return { remind: input.enabled };
  },

  getRules: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return loadCheckinRules();
  },
  updateRules: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return saveCheckinRules(input.expectedVersion, input.rules, { openid: role.openid, name: role.name ?? '商家' }, ctx.now);
  },
});
