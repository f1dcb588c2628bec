import type { DashboardView } from '@shared/rules/dashboard'
import type { CsvTable } from './csv'

/**
 * The dashboard's tables, each shown on the page and exported as CSV from the same rows (so the
 * export is exactly what the merchant sees). Money in yuan with 2 decimals, rates in percent, months
 * and dates as Shanghai business dates.
 */
const yuan = (fen: number) => (fen / 100).toFixed(2)
export const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`)

export function monthlyTable(v: DashboardView): CsvTable {
  return {
    name: `月度明细_${v.from}_${v.to}`,
    headers: ['月份', '新增会员', '月末会员数', '订单数', '销售额(元)', '发放积分', '兑换积分', '过期积分', '作废积分', '发券数', '核销数', '商城兑换', '签到'],
    rows: v.months.map((m) => [
      m.month,
      m.newMembers,
      m.members,
      m.orders,
      yuan(m.salesFen),
      m.issued,
      m.redeemed,
      m.expired,
      m.forfeited,
      m.couponsIssued,
      m.couponsUsed,
      m.mallRedemptions,
      m.checkins,
    ]),
  }
}

export function storesTable(v: DashboardView): CsvTable {
  return {
    name: `门店销售_${v.from}_${v.to}`,
    headers: ['门店', '订单数', '销售额(元)', '已退款(元)'],
    rows: v.stores.map((s) => [s.name, s.orders, yuan(s.amountFen), yuan(s.refundedFen)]),
  }
}

/** Retention by registration month: month 0 is the month they joined. */
export function cohortTable(v: DashboardView): CsvTable {
  const width = Math.max(1, ...v.cohorts.map((c) => Math.max(...c.months.map((m) => m.offset + 1), 1)))
  return {
    name: `月留存_${v.from}_${v.to}`,
    headers: ['注册月份', '人数', ...Array.from({ length: width }, (_x, i) => (i === 0 ? '当月' : `第${i}月`))],
    rows: v.cohorts.map((c) => [
      c.cohort,
      c.size,
      ...Array.from({ length: width }, (_x, i) => c.months.find((m) => m.offset === i) ?? null).map((m) => (m ? percent(m.rate) : null)),
    ]),
  }
}

export function tiersTable(v: DashboardView): CsvTable {
  const total = v.tiers.reduce((s, t) => s + t.count, 0)
  return {
    name: `等级分布_${v.asOf ?? v.to}`,
    headers: ['等级', '人数', '占比'],
    rows: v.tiers.map((t) => [t.name, t.count, percent(total ? t.count / total : null)]),
  }
}

export function rfmTable(v: DashboardView): CsvTable {
  return {
    name: `RFM分群_${v.asOf ?? v.to}`,
    headers: ['分群', '人数'],
    rows: v.rfm.map((r) => [r.segment, r.count]),
  }
}
