import { ERROR_MESSAGES, type ErrorCode } from '../errors';

/**
 * Error codes in words a person acts on. `ERROR_MESSAGES` (shared/errors.ts) says what happened;
 * `ERROR_NEXT_STEPS` says what to do next. The client shows both (`personMessage`, applied once in
 * client/src/api/client.ts), so a page never has to know the codes to help.
 */
/**
 * What a person does next, per code: a total map, so a new code does not compile until it says. The
 * message says what happened; this says where to go from there (shown together by `personMessage`).
 */
export const ERROR_NEXT_STEPS: Record<ErrorCode, string> = {
  VALIDATION_FAILED: '请修改后重新提交',
  UNKNOWN_ACTION: '请更新小程序到最新版本后再试',
  FUNCTION_NOT_FOUND: '请更新小程序到最新版本后再试',
  UNAUTHENTICATED: '请重新进入小程序登录后再试',
  FORBIDDEN: '如需此权限，请联系商家管理员开通',
  NOT_FOUND: '请返回上一页刷新后再试',
  MEMBER_NOT_FOUND: '请核对会员码或手机号后重新查询',
  CONFLICT: '请稍后重试',
  UNAVAILABLE: '请检查网络后稍后重试',
  INTERNAL: '请稍后重试，仍不行请联系门店',
  INSUFFICIENT_POINTS: '请减少使用的积分，或先消费攒积分',
  ORDER_NOT_FOUND: '请核对订单号或小票号后再试',
  REFUND_EXCEEDS_ORDER: '请把退款金额改为不超过实付金额',
  ORDER_TOO_OLD: '请联系商家在后台补录这笔订单',
  RULES_VERSION_CONFLICT: '请刷新页面，在最新版本上修改后再保存',
  POS_MALFORMED: '请按 POS 接口文档检查请求内容',
  POS_UNKNOWN_STORE: '请在商家后台核对 POS 配置的门店编号',
  POS_BAD_SIGNATURE: '请在商家后台核对或重置 POS 密钥',
  POS_STALE_TIMESTAMP: '请校准 POS 设备时间后重新上传',
  POS_NONCE_REUSED: '请为每次上传生成新的 nonce',
  MEMBER_CODE_INVALID: '请让顾客刷新会员码后重新扫描',
  MEMBER_CODE_EXPIRED: '请让顾客刷新会员码后重新扫描',
  BIRTHDAY_CHANGE_TOO_SOON: '如填写有误，请联系门店协助修改',
  PHONE_CODE_INVALID: '请重新点击授权手机号',
  PRIVACY_VERSION_OUTDATED: '请阅读最新的《隐私政策》后同意',
  TIER_CONFIG_VERSION_CONFLICT: '请刷新页面，在最新版本上修改后再保存',
  ORDER_AMOUNT_EXCEEDS_ITEMS: '请核对实付金额与商品金额后重新录入',
  IDEMPOTENCY_KEY_REUSED: '请刷新页面后重新操作',
  POINTS_LIMIT_EXCEEDED: '请减少积分数量后重试',
  MEMBER_NOT_IDENTIFIED: '请先扫描会员码或输入手机号',
  PHONE_IN_USE: '如号码归您所有，请选择换绑到本账号',
  CHECKIN_MAKEUP_REFUSED: '请选择补签期限内、未签到的日期',
  TEMPLATE_NOT_FOUND: '请先在商家后台登记订阅消息模板',
  MESSAGE_FIELD_INVALID: '请按模板字段格式修改内容后再发送',
  INVITE_INVALID: '请让好友重新分享邀请链接，或直接开卡',
  COUPON_OUT_OF_STOCK: '请看看领券中心的其他优惠券',
  COUPON_LIMIT_REACHED: '可在「我的券」中查看已领的券',
  COUPON_ALREADY_USED: '请换一张券，或按原价结账',
  COUPON_EXPIRED: '请换一张券，或按原价结账',
  COUPON_NOT_VALID_HERE: '请到券上写明的适用门店使用',
  COUPON_THRESHOLD_NOT_MET: '可加购凑满门槛，或不用此券结账',
  COUPON_CODE_EXPIRED: '请让顾客刷新券码后重新扫描',
  COUPON_CODE_INVALID: '请核对券码，或让顾客重新出示',
  COUPON_UNDO_WINDOW_PASSED: '如需撤销，请联系商家处理',
  COUPON_NOT_STARTED: '请在券的生效日期后使用',
  COUPON_NOT_USED: '无需操作',
  COUPON_UNAVAILABLE: '请看看领券中心的其他优惠券',
  TEMPLATE_VERSION_CONFLICT: '请刷新页面，在最新版本上修改后再保存',
  MALL_OUT_OF_STOCK: '请看看商城里的其他商品',
  MALL_LIMIT_REACHED: '可在「我的兑换」中查看已兑换的商品',
  POINTS_INSUFFICIENT: '请先消费或签到攒积分，再来兑换',
  MALL_ITEM_UNAVAILABLE: '请看看商城里的其他商品',
  MALL_IMAGE_TYPE: '请换一张 JPG、PNG 或 WebP 图片后重新上传',
  MALL_IMAGE_TOO_LARGE: '请压缩到 2 MB 以内后重新上传',
  MALL_IMAGE_NOT_FOUND: '请重新上传图片后再保存',
  MALL_ORDER_NOT_CANCELLABLE: '如有问题，请联系商家处理',
  MALL_ITEM_VERSION_CONFLICT: '请刷新页面，在最新版本上修改后再保存',
  NOT_A_MEMBER: '请先开通会员卡',
  REFUND_WINDOW_CLOSED: '请联系商家在后台处理退款',
  SEGMENT_VERSION_CONFLICT: '请刷新页面，在最新版本上修改后再保存',
  SEGMENT_NOT_FOUND: '请返回分群列表刷新后再试',
  COUPON_TEMPLATE_NOT_ISSUABLE: '请在优惠券设置中启用该券及其发放渠道后再试',
  CLOCK_MOVED_BACK: '请稍后重试',
  TOO_MANY_ATTEMPTS: '请等待几分钟后再试',
  STORE_NOT_FOUND: '请在商家后台核对门店设置',
};

/**
 * A failure as a person reads it: what happened, then what to do next — unless the message already
 * says what to do (most version conflicts do: "…，请刷新后重试").
 */
export function personMessage(code: string, message: string): string {
  const next = Object.prototype.hasOwnProperty.call(ERROR_NEXT_STEPS, code) ? ERROR_NEXT_STEPS[code as ErrorCode] : '';
  const text = message.trim() || (Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code) ? ERROR_MESSAGES[code as ErrorCode] : '操作未成功');
  if (!next || text.includes(next) || /请|稍后|无需/.test(text)) return text;
  return `${text.replace(/[。；，.\s]+$/, '')}，${next}`;
}
