import { BUSINESS_TZ, businessDate, dayjs } from '../calendar';
import type { CouponDoc } from '../schemas/coupon';
import type { CheckinMonthDoc } from '../schemas/engagement';
import type { Address, MallOrderDoc } from '../schemas/mall';
import type { AccessLogDoc, MemberDoc } from '../schemas/member';
import type { OrderDoc } from '../schemas/orders';
import type { LedgerEntry } from '../schemas/points';
import type { TierChangeDoc } from '../schemas/tiers';

/**
 * The member's data export (PIPL right of access) in two forms: the JSON answer for machines
 * (`member.exportMyData`, documents as stored, instants as ISO strings) and a file a person reads
 * (`formatMyData`): Chinese labels, instants in Beijing time as `YYYY-MM-DD HH:mm`, money as ¥ with
 * two decimals, points signed, one section per kind. Pure: the client renders it, the tests pin it.
 */

/** A stored document as it crosses the wire: every Date an ISO string. */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

export interface MyDataExport {
  exportedAt: string;
  format: string;
  member: Wire<Omit<MemberDoc, 'openid' | 'phone'>> & { wechatOpenid: string; phone: string | null };
  orders: Wire<OrderDoc>[];
  ledger: Wire<LedgerEntry>[];
  coupons: Wire<CouponDoc>[];
  tierChanges: Wire<TierChangeDoc>[];
  /** the delivery address decrypted for its owner */
  mallOrders: (Wire<Omit<MallOrderDoc, 'address'>> & { address: Address | null })[];
  checkins: Wire<CheckinMonthDoc>[];
  accessLog: { by: AccessLogDoc['by']; at: string; staff: string; role: string; storeId: string | null }[];
  /** names for the ids above (stores, tiers), as the member knows them */
  names: { stores: Record<string, string>; tiers: Record<string, string> };
}

export type ExportFileKind = 'txt' | 'csv';

/** One section of the readable file: a title and a table (a two-column one for the member's card). */
interface ExportSection {
  title: string;
  columns: string[];
  rows: string[][];
}

/** Excel reads a UTF-8 CSV as Chinese only with a byte-order mark. */
export const UTF8_BOM = '\uFEFF';

const MINUS = '−';

/** An instant as Beijing time, `YYYY-MM-DD HH:mm`; '' for none. */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = dayjs(iso);
  return d.isValid() ? d.tz(BUSINESS_TZ).format('YYYY-MM-DD HH:mm') : '';
}

/** Fen as `¥12.30` (a refund or a spend is signed by the caller). */
export function yuanText(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Points always signed: `+300`, `−800`, `0`. */
export function signedPoints(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `${MINUS}${-n}`;
  return '0';
}

const LEDGER_KIND: Record<LedgerEntry['kind'], string> = {
  earn: '获得',
  mature: '生效',
  spend: '使用',
  expire: '过期',
  refund: '退款扣回',
  adjust: '商家调整',
  forfeit: '作废',
};
const COUPON_STATUS: Record<CouponDoc['status'], string> = { unused: '未使用', used: '已使用', expired: '已过期', void: '已作废' };
const MALL_STATUS: Record<MallOrderDoc['status'], string> = { paid: '待发货', shipped: '已发货', completed: '已完成', cancelled: '已取消' };
const MALL_KIND: Record<MallOrderDoc['kind'], string> = { coupon: '优惠券', physical: '实物', virtual: '虚拟商品' };
const TIER_CHANGE: Record<TierChangeDoc['kind'], string> = { upgrade: '升级', downgrade: '降级', grace: '进入保级期' };
const ACCESS_BY: Record<AccessLogDoc['by'], string> = { member_code: '扫描会员码', phone: '手机号查询', console: '商家后台查看', coupon: '核销优惠券' };
const GENDER: Record<string, string> = { male: '男', female: '女', unknown: '不透露' };
const ROLE: Record<string, string> = { staff: '店员', merchant: '商家' };
const CHANNEL: Record<OrderDoc['channel'], string> = { pos: '收银系统', staff: '店员录入' };

function couponOffer(t: Wire<CouponDoc>['terms']): string {
  const threshold = t.thresholdFen > 0 ? `满${yuanText(t.thresholdFen)}` : '';
  if (t.kind === 'cash') return `${threshold}减${yuanText(t.valueFen)}`;
  if (t.kind === 'discount' && t.discountPercent !== null) return `${threshold}${t.discountPercent / 10}折`;
  return '赠品';
}

/** The last business day a coupon counts (`endsAt` is the first instant it no longer does). */
function lastValidDay(endsAt: string): string {
  const ms = Date.parse(endsAt);
  return Number.isNaN(ms) ? '' : businessDate(ms - 1);
}

function memberSection(d: MyDataExport): ExportSection {
  const m = d.member;
  const birthday = m.birthday ? `${m.birthday.year ? `${m.birthday.year} 年 ` : ''}${m.birthday.month} 月 ${m.birthday.day} 日` : '未设置';
  const rows: [string, string][] = [
    ['会员卡号', m.cardNo],
    ['昵称', m.nickname],
    ['等级', d.names.tiers[m.tierId] ?? m.tierId],
    ['成长值', String(m.growth)],
    ['可用积分', String(m.points.available)],
    ['待生效积分', String(m.points.pending)],
    ['手机号', m.phone ?? '未绑定'],
    ['生日', birthday],
    ['性别', m.gender ? (GENDER[m.gender] ?? m.gender) : '未设置'],
    ['开卡时间', beijingTime(m.registeredAt)],
    ['同意隐私政策', m.privacy ? `${m.privacy.version} 版，${beijingTime(m.privacy.acceptedAt)}` : '未同意'],
    ['同意会员服务协议', m.terms ? `${m.terms.version} 版，${beijingTime(m.terms.acceptedAt)}` : '未同意'],
    ['兴趣偏好', m.interests?.join('、') || '未设置'],
    ['微信用户标识', m.wechatOpenid],
  ];
  return { title: '会员信息', columns: ['项目', '内容'], rows };
}

function ledgerSection(d: MyDataExport): ExportSection {
  const rows = [...d.ledger]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((e) => {
      const pendingOnly = e.delta === 0 && e.pendingDelta !== 0;
      const points = pendingOnly ? `${signedPoints(e.pendingDelta)}（待生效）` : signedPoints(e.delta);
      return [beijingTime(e.createdAt), LEDGER_KIND[e.kind] ?? e.kind, points, e.reason, String(e.balanceAfter), e.maturesOn ?? ''];
    });
  return { title: '积分明细', columns: ['时间', '类型', '积分', '说明', '可用余额', '生效日期'], rows };
}

function couponSection(d: MyDataExport): ExportSection {
  const rows = [...d.coupons]
    .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt))
    .map((c) => [
      c._id,
      c.terms.title,
      couponOffer(c.terms),
      // an unused coupon past its end reads as expired before the nightly job marks it
      c.status === 'unused' && c.endsAt <= d.exportedAt ? COUPON_STATUS.expired : (COUPON_STATUS[c.status] ?? c.status),
      beijingTime(c.issuedAt),
      `${businessDate(c.startsAt)} 至 ${lastValidDay(c.endsAt)}`,
      c.used ? `${beijingTime(c.used.at)} ${c.used.storeName}` : '',
    ]);
  return { title: '优惠券', columns: ['券号', '名称', '优惠', '状态', '领取时间', '有效期', '使用'], rows };
}

function orderSection(d: MyDataExport): ExportSection {
  const rows = [...d.orders]
    .sort((a, b) => a.paidAt.localeCompare(b.paidAt))
    .map((o) => [
      beijingTime(o.paidAt),
      d.names.stores[o.storeId] ?? o.storeId,
      o.receiptNo,
      o.items.map((i) => `${i.name || i.sku}×${i.quantity}`).join('、'),
      yuanText(o.amountFen),
      signedPoints(o.points),
      signedPoints(o.growth),
      o.refundedFen > 0 ? `退款 ${yuanText(o.refundedFen)}，积分 ${signedPoints(-o.pointsClawed)}` : '',
      CHANNEL[o.channel] ?? o.channel,
    ]);
  return { title: '订单', columns: ['支付时间', '门店', '小票号', '商品', '实付金额', '积分', '成长值', '退款', '录入方式'], rows };
}

function mallSection(d: MyDataExport): ExportSection {
  const rows = [...d.mallOrders]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((o) => [
      beijingTime(o.createdAt),
      `${o.title}×${o.quantity}`,
      MALL_KIND[o.kind] ?? o.kind,
      signedPoints(-o.pointsSpent),
      o.cashFen > 0 ? yuanText(o.cashFen) : '',
      MALL_STATUS[o.status] ?? o.status,
      o.shipping ? `${o.shipping.carrier} ${o.shipping.trackingNo}（${beijingTime(o.shipping.shippedAt)} 发货）` : '',
      o.address ? `${o.address.name} ${o.address.phone} ${o.address.region} ${o.address.detail}` : '',
      o.codes.join('、'),
      o.cancelledAt ? beijingTime(o.cancelledAt) : '',
    ]);
  return { title: '商城兑换', columns: ['兑换时间', '商品', '类型', '积分', '加价', '状态', '物流', '收货地址', '兑换码', '取消时间'], rows };
}

function checkinSection(d: MyDataExport): ExportSection {
  const rows: string[][] = [];
  for (const month of [...d.checkins].sort((a, b) => a.month.localeCompare(b.month))) {
    for (const dd of Object.keys(month.days).sort()) {
      const day = month.days[dd];
      rows.push([`${month.month}-${dd}`, signedPoints(day.points), String(day.streak), day.makeUp ? '补签' : '签到']);
    }
  }
  return { title: '签到', columns: ['日期', '积分', '连续天数', '方式'], rows };
}

function tierSection(d: MyDataExport): ExportSection {
  const tier = (id: string) => d.names.tiers[id] ?? id;
  const rows = [...d.tierChanges]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((c) => [beijingTime(c.at), TIER_CHANGE[c.kind] ?? c.kind, `${tier(c.fromTierId)} → ${tier(c.toTierId)}`, String(c.growth), c.reason]);
  return { title: '等级变动', columns: ['时间', '变动', '等级', '成长值', '原因'], rows };
}

function accessSection(d: MyDataExport): ExportSection {
  const rows = [...d.accessLog]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((a) => [
      beijingTime(a.at),
      ACCESS_BY[a.by] ?? a.by,
      `${ROLE[a.role] ?? a.role} ${a.staff}`,
      a.storeId ? (d.names.stores[a.storeId] ?? a.storeId) : '',
    ]);
  return { title: '查询记录', columns: ['时间', '方式', '查看人', '门店'], rows };
}

/** The sections of the readable file, in the order a member looks for them. */
export function myDataSections(d: MyDataExport): ExportSection[] {
  return [memberSection(d), ledgerSection(d), couponSection(d), orderSection(d), mallSection(d), checkinSection(d), tierSection(d), accessSection(d)];
}

function csvCell(text: string): string {
  // A cell starting with = @ (or + - not a plain number) is a formula to a spreadsheet: a leading tab keeps it text.
  const safe = /^[=@]|^[+-](?![\d.]+$)/.test(text) ? `\t${text}` : text;
  return /[",\r\n\t]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The export as a file a person reads: `txt` (one block per section) or `csv` (one table per
 * section, for Excel). Both start with a BOM (Excel and Windows Notepad then read Chinese) and end lines with CRLF.
 */
export function formatMyData(d: MyDataExport, kind: ExportFileKind): string {
  const head = ['我的会员数据', `导出时间：${beijingTime(d.exportedAt)}（北京时间）`, `数据格式：${d.format}`];
  const lines: string[] = [];
  if (kind === 'csv') {
    lines.push(...head.map(csvCell), '');
    for (const s of myDataSections(d)) {
      lines.push(csvCell(`【${s.title}】（${s.rows.length} 条）`), s.columns.map(csvCell).join(','));
      for (const row of s.rows) lines.push(row.map(csvCell).join(','));
      lines.push('');
    }
  } else {
    lines.push(...head, '');
    for (const s of myDataSections(d)) {
      if (s.title === '会员信息') {
        lines.push(`【${s.title}】`, ...s.rows.map(([k, v]) => `${k}：${v}`), '');
        continue;
      }
      lines.push(`【${s.title}】（${s.rows.length} 条）`);
      if (s.rows.length === 0) lines.push('暂无记录');
      else lines.push(s.columns.join(' | '), ...s.rows.map((r) => r.map((c) => c || '—').join(' | ')));
      lines.push('');
    }
  }
  return UTF8_BOM + lines.join('\r\n');
}

/** `我的会员数据-<card>-<YYYY-MM-DD>.<kind>` (the Beijing day of the export). */
export function exportFileName(d: MyDataExport, kind: ExportFileKind | 'json'): string {
  return `我的会员数据-${d.member.cardNo}-${businessDate(d.exportedAt)}.${kind}`;
}
