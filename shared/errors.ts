/**
 * Stable error codes. Callers (the client, the POS, tests) branch on `code`, never on `message`;
 * a code, once published, keeps its meaning. Messages are Chinese, for people.
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: '填写的内容有误',
  UNKNOWN_ACTION: '该功能暂不支持',
  FUNCTION_NOT_FOUND: '该功能暂不可用',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '没有权限执行此操作',
  NOT_FOUND: '记录不存在',
  MEMBER_NOT_FOUND: '会员不存在',
  CONFLICT: '系统繁忙，请稍后重试',
  UNAVAILABLE: '服务暂时不可用，请稍后重试',
  INTERNAL: '系统错误，请稍后重试',
  INSUFFICIENT_POINTS: '可用积分不足',
  ORDER_NOT_FOUND: '订单不存在',
  REFUND_EXCEEDS_ORDER: '退款金额超过订单实付金额',
  ORDER_TOO_OLD: '订单支付时间过早，已超出补录期限',
  RULES_VERSION_CONFLICT: '积分规则已被他人修改，请刷新后重试',
  POS_MALFORMED: 'POS 请求格式不正确',
  POS_UNKNOWN_STORE: 'POS 门店不存在',
  POS_BAD_SIGNATURE: 'POS 请求签名无效',
  POS_STALE_TIMESTAMP: 'POS 请求时间戳超出 5 分钟有效期',
  POS_NONCE_REUSED: 'POS 请求 nonce 已使用',
  MEMBER_CODE_INVALID: '会员码无效或已过期',
  MEMBER_CODE_EXPIRED: '会员码已过期，请让顾客刷新后重新出示',
  BIRTHDAY_CHANGE_TOO_SOON: '生日一年内只能修改一次',
  PHONE_CODE_INVALID: '手机号授权已失效，请重新授权',
  PRIVACY_VERSION_OUTDATED: '隐私政策已更新，请阅读最新版本后同意',
  TIER_CONFIG_VERSION_CONFLICT: '等级设置已被他人修改，请刷新后重试',
  ORDER_AMOUNT_EXCEEDS_ITEMS: '实付金额超过商品合计金额',
  IDEMPOTENCY_KEY_REUSED: '该编号已用于另一笔内容不同的请求',
  POINTS_LIMIT_EXCEEDED: '积分数量超出上限',
  MEMBER_NOT_IDENTIFIED: '请先扫描会员码或查询手机号确认会员身份',
  PHONE_IN_USE: '该手机号已绑定其他会员',
  CHECKIN_MAKEUP_REFUSED: '这一天不能补签',
  TEMPLATE_NOT_FOUND: '订阅消息模板不存在',
  MESSAGE_FIELD_INVALID: '订阅消息内容不符合模板字段格式',
  INVITE_INVALID: '邀请链接无效或已过期',
  COUPON_OUT_OF_STOCK: '优惠券已抢光',
  COUPON_LIMIT_REACHED: '已达到该券的领取上限',
  COUPON_ALREADY_USED: '该券已核销',
  COUPON_EXPIRED: '该券已过期',
  COUPON_NOT_VALID_HERE: '该券不适用于本门店',
  COUPON_THRESHOLD_NOT_MET: '订单金额未达到该券的使用门槛',
  COUPON_CODE_EXPIRED: '券码已过期，请让顾客刷新后重新出示',
  COUPON_CODE_INVALID: '券码无效',
  COUPON_UNDO_WINDOW_PASSED: '核销已超过 10 分钟，不能撤销',
  COUPON_NOT_STARTED: '该券尚未到可用时间',
  COUPON_NOT_USED: '该券未核销，无需撤销',
  COUPON_UNAVAILABLE: '该券当前不可领取',
  TEMPLATE_VERSION_CONFLICT: '券模板已被他人修改，请刷新后重试',
  MALL_OUT_OF_STOCK: '商品已兑完',
  MALL_LIMIT_REACHED: '已达到该商品的兑换上限',
  POINTS_INSUFFICIENT: '积分不足',
  MALL_ITEM_UNAVAILABLE: '商品当前不可兑换',
  MALL_ORDER_NOT_CANCELLABLE: '该订单已发货或不支持取消',
  MALL_ITEM_VERSION_CONFLICT: '商品已被他人修改，请刷新后重试',
  MALL_IMAGE_TYPE: '商品图片只支持 JPG、PNG 或 WebP 格式',
  MALL_IMAGE_TOO_LARGE: '商品图片不能超过 2 MB',
  MALL_IMAGE_NOT_FOUND: '商品图片未上传成功，请重新上传',
  NOT_A_MEMBER: '您还不是会员，请先开卡',
  REFUND_WINDOW_CLOSED: '已超过可撤销时间，请联系商家处理',
  SEGMENT_VERSION_CONFLICT: '分群已被他人修改，请刷新后重试',
  SEGMENT_NOT_FOUND: '分群不存在',
  COUPON_TEMPLATE_NOT_ISSUABLE: '所选优惠券不存在、已暂停或未开启该发放渠道',
  CLOCK_MOVED_BACK: '系统时间早于上次签到时间，请稍后重试',
  TOO_MANY_ATTEMPTS: '错误次数过多，请稍后再试',
  STORE_NOT_FOUND: '门店不存在',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return (
    e instanceof AppError ||
    (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AppError' && typeof (e as { code?: unknown }).code === 'string')
  );
}
