import { z } from 'zod';
import { act } from '../contract';
import { labelFields, labelRequests } from '../validation';
import { checkinRulesSchema, type CheckinRules } from '../rules/checkin';
import { businessDate as day, businessMonth as month } from '../schemas/common';

const checkinRequests = {
  checkIn: z.object({}).strict(),
  calendar: z.object({ month: month.optional() }).strict(),
  makeUp: z.object({ day }).strict(),
  setReminder: z.object({ enabled: z.boolean() }).strict(),
  getRules: z.object({}).strict(),
  updateRules: z.object({ expectedVersion: z.number().int().min(0), rules: checkinRulesSchema }).strict(),
};

// The fields as the check-in page and the merchant's 签到规则 name them (shared/validation.ts: fieldLabel).
labelRequests(checkinRequests, {
  month: '月份',
  day: '补签日期',
  enabled: '开启',
  expectedVersion: '当前版本',
  rules: '签到规则',
  dailyPoints: '每日签到积分',
  bonuses: '连续签到奖励',
  'bonuses.day': '连续天数',
  'bonuses.points': '奖励积分',
  makeUp: '补签',
  'makeUp.enabled': '开启补签',
  withinDays: '可补签天数',
  perMonth: '每月补签次数',
  costPoints: '补签消耗积分',
});
labelFields(checkinRequests.setReminder, { enabled: '签到提醒' });

interface CheckInResult {
  /** the business day, `YYYY-MM-DD` (Asia/Shanghai) */
  day: string;
  streak: number;
  /** points this check-in earned (0 when `already`) */
  points: number;
  /** of which the streak bonus */
  bonus: number;
  /** checked in already today: nothing earned this time */
  already: boolean;
  nextBonus: { day: number; points: number } | null;
}

export interface CalendarDay {
  day: string;
  points: number;
  makeUp: boolean;
}

export interface CheckinCalendar {
  month: string;
  today: string;
  days: CalendarDay[];
  checkedToday: boolean;
  /** the running streak as of today (0 once broken) */
  streak: number;
  longest: number;
  /** points earned by check-ins this month */
  monthPoints: number;
  available: number;
  remind: boolean;
  rules: CheckinRules;
  nextBonus: { day: number; points: number } | null;
}

export const checkinContract = {
  checkIn: act(checkinRequests.checkIn).returns<CheckInResult>(),
  calendar: act(checkinRequests.calendar).returns<CheckinCalendar>(),
  makeUp: act(checkinRequests.makeUp).returns<{ day: string; points: number; cost: number; streak: number }>(),
  setReminder: act(checkinRequests.setReminder).returns<{ remind: boolean }>(),
  getRules: act(checkinRequests.getRules).returns<{ version: number; rules: CheckinRules }>(),
  updateRules: act(checkinRequests.updateRules).returns<{ version: number }>(),
};
