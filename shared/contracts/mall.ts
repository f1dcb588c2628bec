import { z } from 'zod';
import { act, MERCHANT_ONLY } from '../contract';
import { labelRequests } from '../validation';
import { addressSchema, createItemSchema, type Address, mallItemIssues, mallItemShape, type MallKind, type MallOrderStatus } from '../schemas/mall';

const id = z.string().min(1).max(64);
const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId 应为 8–64 位字母数字');

/**
 * The pictures' temporary URLs by cloud file id, beside the items that name them (a view stays what
 * an edit sends back); an https picture is shown as it is, a file gone from storage has no URL.
 */
type ImageUrls = Record<string, string>;

export interface MallItemView {
  itemId: string;
  kind: MallKind;
  title: string;
  images: string[];
  description: string;
  pointsPrice: number;
  cashFen: number;
  stock: number;
  sold: number;
  perMemberLimit: number;
  category: string;
  sortOrder: number;
  couponTemplateId: string | null;
  onShelfFrom: string | null;
  onShelfTo: string | null;
  tiers: string[] | null;
  status: 'on' | 'off';
  version: number;
}

/** An item as the member sees it: whether they can redeem it now, and why not. */
export interface MallShelfItem extends MallItemView {
  /** the member's balance covers one */
  affordable: boolean;
  /** how many more this member may redeem */
  left: number;
  /** why it cannot be redeemed now (null: it can) */
  unavailable: string | null;
}

export interface MallOrderView {
  orderId: string;
  itemId: string;
  kind: MallKind;
  title: string;
  quantity: number;
  pointsSpent: number;
  cashFen: number;
  status: MallOrderStatus;
  couponIds: string[];
  codes: string[];
  /** the member and the merchant see the address; lists elsewhere only the masked line */
  address: { name: string; phone: string; region: string; detail: string } | null;
  addressMasked: string | null;
  shipping: { carrier: string; trackingNo: string; shippedAt: string } | null;
  createdAt: string;
  cancelledAt: string | null;
  memberId: string;
}

const mallRequests = {
  // merchant
  createItem: createItemSchema,
  updateItem: z
    .object({ itemId: id, expectedVersion: z.number().int().min(1), status: z.enum(['on', 'off']).default('on'), ...mallItemShape })
    .strict()
    .superRefine((t, ctx) => {
      for (const i of mallItemIssues(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
    }),
  restock: z
    .object({
      itemId: id,
      quantity: z
        .number()
        .int()
        .min(1)
        .max(10 ** 6)
        .optional()
        .describe('补货数量'),
      codes: z.array(z.string().trim().min(4).max(64)).min(1).max(5000).optional().describe('兑换码'),
    })
    .strict(),
  adminItems: z.object({}).strict(),
  listOrders: z
    .object({ status: z.enum(['paid', 'shipped', 'completed', 'cancelled']).optional(), limit: z.number().int().min(1).max(100).default(50) })
    .strict(),
  ship: z
    .object({
      orderId: id.max(80).describe('兑换订单'),
      carrier: z.string().trim().min(1).max(20).describe('快递公司'),
      trackingNo: z
        .string()
        .regex(/^[A-Za-z0-9-]{4,40}$/, '运单号格式不正确')
        .describe('运单号'),
    })
    .strict(),
  // consumer
  listItems: z
    .object({
      category: z.string().min(1).max(20).optional(),
      affordable: z.boolean().optional(),
      sort: z.enum(['default', 'points_asc', 'points_desc']).default('default'),
    })
    .strict(),
  getItem: z.object({ itemId: id }).strict(),
  redeem: z
    .object({
      itemId: id,
      quantity: z.number().int().min(1).max(10).default(1).describe('数量'),
      requestId,
      address: addressSchema.optional().describe('收货地址'),
    })
    .strict(),
  lastAddress: z.object({}).strict(),
  myOrders: z.object({}).strict(),
  cancel: z.object({ orderId: id.max(80) }).strict(),
} as const;

// The fields as the merchant's 积分商城 section and the mall pages name them, where the schema's own
// `.describe()` does not (shared/validation.ts: fieldLabel).
labelRequests(mallRequests, {
  itemId: '商品',
  expectedVersion: '当前版本',
  status: '状态',
  kind: '商品类型',
  title: '名称',
  images: '商品图片',
  description: '商品详情',
  pointsPrice: '积分',
  cashFen: '加价金额',
  perMemberLimit: '每人限兑',
  couponTemplateId: '券模板',
  category: '分类',
  sortOrder: '排序',
  onShelfFrom: '上架时间',
  onShelfTo: '下架时间',
  tiers: '可兑换等级',
  stock: '库存',
  codes: '兑换码',
  quantity: '数量',
  limit: '条数',
  orderId: '兑换订单',
  carrier: '快递公司',
  trackingNo: '运单号',
  affordable: '我能兑换',
  sort: '排序方式',
  requestId: '操作编号',
  address: '收货地址',
  'address.name': '收货人',
  'address.phone': '手机号',
  'address.region': '所在地区',
  'address.detail': '详细地址',
});

export const mallContract = {
  createItem: act(mallRequests.createItem, MERCHANT_ONLY).returns<{ itemId: string; version: number }>(),
  updateItem: act(mallRequests.updateItem, MERCHANT_ONLY).returns<{ itemId: string; version: number }>(),
  restock: act(mallRequests.restock, MERCHANT_ONLY).returns<{ itemId: string; stock: number }>(),
  adminItems: act(mallRequests.adminItems, MERCHANT_ONLY).returns<{ items: MallItemView[]; imageUrls: ImageUrls }>(),
  listOrders: act(mallRequests.listOrders, MERCHANT_ONLY).returns<{ orders: MallOrderView[] }>(),
  ship: act(mallRequests.ship, MERCHANT_ONLY).returns<MallOrderView>(),
  listItems: act(mallRequests.listItems).returns<{ items: MallShelfItem[]; categories: string[]; balance: number; imageUrls: ImageUrls }>(),
  getItem: act(mallRequests.getItem).returns<{ item: MallShelfItem; balance: number; imageUrls: ImageUrls }>(),
  redeem: act(mallRequests.redeem).returns<{
    orderId: string;
    pointsSpent: number;
    couponId?: string;
    couponIds: string[];
    codes: string[];
    balanceAfter: number;
    duplicate: boolean;
  }>(),
  myOrders: act(mallRequests.myOrders).returns<{ orders: MallOrderView[] }>(),
  /** the address of the member's last order that had one (null: none yet, or erased) */
  lastAddress: act(mallRequests.lastAddress).returns<{ address: Address | null }>(),
  cancel: act(mallRequests.cancel).returns<{ orderId: string; pointsRefunded: number; balanceAfter: number; duplicate: boolean }>(),
};
