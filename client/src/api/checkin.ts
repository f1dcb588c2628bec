import { call } from './client'

export type { CheckinCalendar } from '@shared/contracts/checkin'

/** Today's check-in: the streak and the points it earned (`already` on a second tap). */
export const checkIn = () => call('checkin', 'checkIn')

/** The month page (`YYYY-MM`, default this month). */
export const getCalendar = (month?: string) => call('checkin', 'calendar', month ? { month } : {})
