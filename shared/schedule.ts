/**
 * Every scheduled job, declared once with its WeChat 7-field cron (second minute hour day month
 * weekday year, Asia/Shanghai). WeChat allows one timer trigger per function, so one function, the
 * `scheduler`, fires every five minutes (`SCHEDULER_CRON`) and runs each job whose latest scheduled
 * instant has passed since it last ran, or whose run of the occurrence is not finished yet (a long
 * run continues at the next firings). A new job is one entry here and one runner in
 * `cloudfunctions/_lib/jobs/scheduler.ts` (a total map: the compiler asks for it).
 */
export const SCHEDULER_CRON = '0 */5 * * * * *';

export const JOB_SCHEDULE = {
  'points-nightly': { cron: '0 0 2 * * * *', title: '积分结算：生效、过期与对账' },
  'tier-review': { cron: '0 0 4 * * * *', title: '会员等级评定' },
  'coupon-expiry': { cron: '0 0 1 * * * *', title: '优惠券过期' },
  'daily-stats': { cron: '0 30 0 * * * *', title: '每日数据快照' },
  birthday: { cron: '0 0 9 * * * *', title: '生日礼券与祝福' },
  'points-expiry-reminder': { cron: '0 0 10 * * * *', title: '积分过期提醒（30 天、7 天前）' },
  'coupon-expiry-reminder': { cron: '0 30 10 * * * *', title: '优惠券过期提醒（3 天前）' },
  'checkin-reminder': { cron: '0 0 20 * * * *', title: '签到提醒（已订阅的会员）' },
  dormancy: { cron: '0 30 4 * * * *', title: '沉睡唤醒：预警、沉睡、流失（30/90/180 天未消费）' },
  repurchase: { cron: '0 0 5 * * * *', title: '复购周期提醒（预计复购前 3 天）' },
  'rfm-scores': { cron: '0 0 3 * * * *', title: 'RFM 评分与八类会员分群' },
  'member-tags': { cron: '0 30 3 * * * *', title: '会员自动标签（生命周期、新会员、高价值、高频、本月生日）' },
} as const satisfies Record<string, { cron: string; title: string }>;

export type JobName = keyof typeof JOB_SCHEDULE;
export const JOB_NAMES = Object.keys(JOB_SCHEDULE) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_SCHEDULE, name);
}
