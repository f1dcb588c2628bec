import { z } from 'zod';
import { act } from '../contract';
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
