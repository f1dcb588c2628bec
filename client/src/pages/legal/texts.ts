import { DEPARTURE_RETENTION_DAYS, MEMBERSHIP_TERMS_VERSION, PRIVACY_POLICY_CHANGES, PRIVACY_POLICY_VERSION } from '@shared/rules/profile'
import { BRAND_NAME } from '@/brand'

interface LegalDoc {
  title: string
  version: string
  sections: { heading: string; paragraphs: string[] }[]
}

const years = Math.round(DEPARTURE_RETENTION_DAYS / 365)

/** The privacy policy members agree to at 开卡 (version: shared/rules/profile.ts). */
export const PRIVACY_POLICY: LegalDoc = {
  title: '隐私政策',
  version: PRIVACY_POLICY_VERSION,
  sections: [
    {
      heading: '一、我们收集哪些信息',
      paragraphs: [
        `开通${BRAND_NAME}会员卡时，我们只保存您的微信标识（OpenID），用于识别您的会员卡。您同意本政策之前，我们不会创建会员档案。`,
        '您可以自愿提供：昵称、头像、性别、生日（用于发放生日礼遇）、手机号（经您授权后获取，用于到店识别）。',
        '您在门店或小程序消费时，我们记录订单金额、商品、门店和时间，用于计算积分和等级。',
      ],
    },
    {
      heading: '二、我们如何保护信息',
      paragraphs: [
        '手机号加密保存（AES-256-GCM），检索使用带密钥的摘要；除您本人外，店员和商家只能看到掩码号码（如 138****1234）。',
        '店员每次识别您的会员身份都会被记录（谁、哪家门店、何时、以何种方式），您可在「导出我的数据」中查看。',
      ],
    },
    {
      heading: '三、您的权利',
      paragraphs: [
        '您可随时在「个人资料与隐私」中查看、修改、导出您的数据，或注销会员。',
        '注销后，我们清除您的昵称、头像、手机号、性别、生日和同意记录，积分作废、未使用的券失效；订单和积分流水仅以卡号保留以满足财务对账要求。',
        `为防止重复领取注册礼，注销后我们保留您微信标识的加密摘要（无法还原为标识本身）和注销日期 ${years} 年，期满后不再使用。重新开卡不再赠送注册礼，其他会员权益不受影响。`,
      ],
    },
    {
      heading: '四、本政策的更新',
      paragraphs: PRIVACY_POLICY_CHANGES.map((c) => `${c.version} 版更新：${c.changes.join('；')}。`),
    },
  ],
}

/** The membership terms members agree to at 开卡. */
export const MEMBERSHIP_TERMS: LegalDoc = {
  title: '会员服务协议',
  version: MEMBERSHIP_TERMS_VERSION,
  sections: [
    {
      heading: '一、会员资格',
      paragraphs: [`${BRAND_NAME}会员卡免费开通，每个微信账号限一张，仅限本人使用，不得转让。`, '店员和商家账号用于门店工作，不能开通会员卡。'],
    },
    {
      heading: '二、积分',
      paragraphs: [
        '消费积分在支付后的次一营业日生效；触发风险核查的订单，积分在商家审核后发放。',
        '积分有效期、每日积分上限和会员日规则以会员卡页面和积分明细的说明为准。退款时按比例扣回相应积分。',
        '注册礼积分每人仅限一次，注销后重新开卡不再赠送。',
      ],
    },
    {
      heading: '三、会员等级',
      paragraphs: [
        '成长值达到等级门槛即时升级；定期评级时低于门槛的会员享有保级期，保级期结束后逐级调整。',
        '各等级权益以会员卡页面展示的内容为准，页面未列出的权益不提供。',
      ],
    },
    {
      heading: '四、注销',
      paragraphs: ['您可随时注销会员。注销后积分作废、未使用的券失效，且无法恢复。'],
    },
  ],
}
