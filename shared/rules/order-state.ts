/**
 * An order as its member reads it in the history: every order shows, with what it earned and, when
 * it earned nothing or its points are not (yet) available, why — in words. Pure.
 */

type OrderState = 'none' | 'pending' | 'held' | 'credited' | 'voided' | 'refunded';

interface OrderFacts {
  amountFen: number;
  points: number;
  growth: number;
  refundedFen: number;
  pointsClawed: number;
  pointsForfeited?: number;
  /** the order's growth waits with its points for the merchant's review */
  growthHeld?: boolean;
  /** the order's pending lot, if its points are still pending */
  pendingLot?: { maturesOn: string; held: boolean } | null;
}

interface OrderLine {
  state: OrderState;
  /** a member's words: "审核中，审核通过后发放", "12月2日生效", "消费未满 ¥100 不计积分" */
  note: string;
}

const yuan = (fen: number) => `¥${Number.isInteger(fen / 100) ? fen / 100 : (fen / 100).toFixed(2)}`;
const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** `stepFen`: the amount that earns one step of points (the rules in force, e.g. ¥100). */
export function orderLine(o: OrderFacts, stepFen: number): OrderLine {
  if ((o.pointsForfeited ?? 0) > 0) return { state: 'voided', note: `经商家核查为风险订单，${o.pointsForfeited} 积分已作废` };
  if (o.refundedFen >= o.amountFen && o.amountFen > 0)
    return { state: 'refunded', note: o.pointsClawed > 0 ? `已退款，${o.pointsClawed} 积分已扣回` : '已退款' };
  // Held for review: neither its points nor its growth are the member's yet.
  if (o.pendingLot?.held || (o.points === 0 && o.growthHeld)) return { state: 'held', note: '审核中，审核通过后发放' };
  if (o.points === 0)
    return { state: 'none', note: o.amountFen < stepFen ? `消费未满 ${yuan(stepFen)} 不计积分，成长值 +${o.growth}` : `本单不计积分，成长值 +${o.growth}` };
  if (o.pendingLot) return { state: 'pending', note: `${monthDay(o.pendingLot.maturesOn)}生效` };
  const partly = o.refundedFen > 0 ? `，部分退款扣回 ${o.pointsClawed} 积分` : '';
  return { state: 'credited', note: `已到账${partly}` };
}
