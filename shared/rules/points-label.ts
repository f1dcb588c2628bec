import { businessDate } from '../calendar';
import type { LedgerKind } from '../schemas/points';

/**
 * What a points row says happened, in the member's words: a title (退款扣回, 积分过期 …), the signed
 * amount ("−800", with a real minus sign) and, where it helps, a note (the expiry's date, when pending
 * points become usable, how much of a clawback was already spent). The ledger's own `reason` stays the
 * row's detail line (it names the order, the item, the streak).
 *
 * Every entry the ledger writes is keyed by its kind and its `ref.type`:
 * earn/order · earn/register · earn/checkin · earn/referral · mature/lot · spend/mall · spend/redeem ·
 * spend/checkin (补签's cost) · refund/order (clawback) · refund/mall (取消兑换 gives back) ·
 * expire/lot · adjust/adjust · forfeit/order (a confirmed fraud flag) · forfeit/member (注销).
 */
export interface PointsLineInput {
  kind: LedgerKind;
  /** the entry's `ref.type` */
  refType: string;
  /** points the row moved (available + pending) */
  points: number;
  reason: string;
  /** ISO instant the entry was written */
  createdAt: string;
  /** still pending and not held: the business day it becomes available */
  maturesOn?: string | null;
  held?: boolean;
  /** refund: points of the clawback the member had already spent */
  shortfall?: { points: number; policy: 'debt' | 'forfeit' } | null;
}

/** What the rules say about earning, for the rows that earned nothing ("消费满 ¥100 才得积分"). */
interface PointsLineRules {
  stepFen: number;
}

interface PointsLineLabel {
  title: string;
  /** "+120", "−800", "0" */
  amount: string;
  note: string | null;
}

/** ¥100 for 10000 fen; cents only when there are some. */
const wholeYuan = (fen: number) => `¥${Number.isInteger(fen / 100) ? fen / 100 : (fen / 100).toFixed(2)}`;

/** A business date `YYYY-MM-DD` as 2026年12月1日. */
function chineseDate(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

function signedPoints(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `\u2212${-n}`;
  return '0';
}

/** Titles for a ref type the ledger does not (yet) write: by kind alone, so a new entry type still reads. */
const KIND_TITLE: Record<LedgerKind, (points: number) => string> = {
  earn: () => '获得积分',
  mature: () => '积分生效',
  spend: () => '使用积分',
  expire: () => '积分过期',
  refund: (p) => (p < 0 ? '退款扣回' : '积分退回'),
  adjust: (p) => (p < 0 ? '商家扣减' : '商家赠送'),
  forfeit: () => '积分作废',
};

function titleOf(e: PointsLineInput): string {
  switch (`${e.kind}/${e.refType}`) {
    case 'earn/order':
      return e.points === 0 ? '消费未得积分' : '消费得积分';
    case 'earn/register':
      return '开卡礼';
    case 'earn/checkin':
      return e.reason.startsWith('补签') ? '补签奖励' : '签到奖励';
    case 'earn/referral':
      return e.reason.includes('首单') ? '好友首单奖励' : '邀请好友奖励';
    case 'spend/mall':
      return '积分兑换';
    case 'spend/redeem':
      return '积分抵扣';
    case 'spend/checkin':
      return '补签消耗';
    case 'refund/order':
      return '退款扣回';
    case 'refund/mall':
      return '取消兑换退回';
    case 'forfeit/order':
      return '风险订单积分作废';
    case 'forfeit/member':
      return '注销会员积分清零';
    default:
      return KIND_TITLE[e.kind](e.points);
  }
}

function noteOf(e: PointsLineInput, rules?: PointsLineRules): string | null {
  // An order under the step (or capped to nothing) is in the ledger with 0 points: say why.
  if (e.kind === 'earn' && e.refType === 'order' && e.points === 0 && !e.held) return rules ? `消费满 ${wholeYuan(rules.stepFen)} 才得积分` : '本单未得积分';
  // The nightly expiry writes its entry on the first day the lot no longer counts: that day is the expiry date.
  if (e.kind === 'expire') return `${chineseDate(businessDate(e.createdAt))}到期`;
  if (e.held) return '审核中，审核通过后发放';
  if (e.maturesOn) return `待生效，${chineseDate(e.maturesOn)}可用`;
  if (e.kind === 'refund' && e.shortfall && e.shortfall.points > 0)
    return `其中 ${e.shortfall.points} 积分已使用，${e.shortfall.policy === 'debt' ? '将从之后获得的积分中扣除' : '不再追回'}`;
  return null;
}

export function describePointsLine(e: PointsLineInput, rules?: PointsLineRules): PointsLineLabel {
  return { title: titleOf(e), amount: signedPoints(e.points), note: noteOf(e, rules) };
}
