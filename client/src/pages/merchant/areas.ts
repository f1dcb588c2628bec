/**
 * The console's areas (issue 21 item 7): one page each in the merchant subpackage. An area shows
 * existing sections (`sections/`, by id, as tabs when there are several) or is a page of its own
 * (members, dashboard). The home grid and the desktop side menu are both drawn from this list.
 */
export interface ConsoleArea {
  id: string
  label: string
  /** one line under the label on the home grid */
  hint: string
  /** the page's path (no leading slash) */
  path: string
  /** the ids of the sections the area page renders (empty: a page of its own) */
  sections: readonly string[]
}

export const AREAS: readonly ConsoleArea[] = [
  { id: 'members', label: '会员', hint: '查找会员 · 标签 · 分群', path: 'pages/merchant/members/index', sections: [] },
  { id: 'dashboard', label: '数据', hint: '会员、积分与销售看板', path: 'pages/merchant/dashboard/index', sections: [] },
  { id: 'tiers', label: '等级', hint: '等级门槛与权益', path: 'pages/merchant/tiers/index', sections: ['tiers'] },
  { id: 'rules', label: '积分规则', hint: '消费得积分的规则', path: 'pages/merchant/rules/index', sections: ['rules'] },
  { id: 'coupons', label: '优惠券', hint: '券模板、发放与核销记录', path: 'pages/merchant/coupons/index', sections: ['coupons'] },
  { id: 'mall', label: '商城', hint: '积分商城商品与兑换', path: 'pages/merchant/mall/index', sections: ['mall'] },
  { id: 'risk', label: '风控', hint: '风险预警 · 对账 · 查询记录', path: 'pages/merchant/risk/index', sections: ['fraud', 'reconcile', 'access'] },
  { id: 'engagement', label: '互动', hint: '会员关怀 · 生命周期 · 邀请', path: 'pages/merchant/engagement/index', sections: ['care', 'lifecycle', 'referral'] },
  { id: 'stores', label: '员工与门店', hint: '门店与 POS 密钥', path: 'pages/merchant/stores/index', sections: ['pos'] },
  { id: 'settings', label: '设置', hint: '订阅消息 · 任务记录', path: 'pages/merchant/settings/index', sections: ['templates', 'jobs'] },
]

export const areaById = (id: string): ConsoleArea => {
  const area = AREAS.find((a) => a.id === id)
  if (!area) throw new Error(`unknown console area ${id}`)
  return area
}
