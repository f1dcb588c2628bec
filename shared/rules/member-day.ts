import type { EarningRules } from '../schemas/points';
import { addBusinessDays } from '../calendar';
import { isMemberDay } from './earning';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

interface MemberDayView {
  /** e.g. 每周三会员日 / 每月 8 日会员日 */
  label: string;
  multiplier: number;
  /** today is the member day */
  today: boolean;
  /** the next member day, today included (`YYYY-MM-DD`) */
  next: string;
}

/** The member day as the card shows it (the earning rules' `memberDay`, default every Wednesday ×2); null when off. */
export function memberDayView(rules: EarningRules, today: string): MemberDayView | null {
  const md = rules.memberDay;
  if (md.kind === 'none') return null;
  let next = today;
  for (let i = 0; i < 31 && !isMemberDay(next, rules); i += 1) next = addBusinessDays(next, 1);
  return {
    label: md.kind === 'weekly' ? `每周${WEEKDAYS[md.weekday]}会员日` : `每月 ${md.day} 日会员日`,
    multiplier: md.multiplier,
    today: next === today,
    next,
  };
}
