import { View, Text } from '@tarojs/components'
import { useShareAppMessage } from '@tarojs/taro'
import { getInvite, myInvitations } from '@/api/referral'
import { QrCode } from '@/components/MemberCode'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { useRemote } from '@/hooks/useRemote'
import { stamp } from '@/format'
import { Cell, CellGroup } from '@/components/nutui'
import './index.scss'

const STATUS: Record<string, string> = { registered: '已注册', purchased: '已首单', ineligible: '不计奖励' }
/** Why an invitation earned nothing, in the member's words. */
const REASON: Record<string, string> = {
  self: '本人',
  already_member: '已是会员',
  phone_seen: '手机号已参与过',
  daily_cap: '邀请人今日奖励已达上限',
  inviter_gone: '邀请人已注销',
  disabled: '活动未开启',
}

/** What the QR code on the poster opens: in H5 a full link to the card page, in the mini-program its path. */
function linkOf(path: string): string {
  return process.env.TARO_ENV === 'h5' ? `${window.location.origin}/${path}` : `/${path}`
}

export default function InvitePage() {
  const invite = useRemote(() => getInvite(), [])
  const mine = useRemote(() => myInvitations(), [])
  // 分享给好友: the share card carries the signed invitation.
  useShareAppMessage(() => ({
    title: '送你一张会员卡，注册即得积分',
    path: invite.state.status === 'ready' ? `/${invite.state.data.path}` : '/pages/index/index',
  }))

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (invite.state.status === 'error' && invite.state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (invite.state.status === 'loading') return <PageStatus status='loading' className='invite-page' />
  if (invite.state.status === 'error')
    return <PageStatus status='error' code={invite.state.code} message={invite.state.message} onRetry={() => void invite.reload()} className='invite-page' />
  const { path, expiresOn, offer } = invite.state.data
  const inviterEarns = offer.inviterOnRegister > 0 || offer.inviterOnFirstPurchase > 0
  return (
    <View className='invite-page'>
      <View className='invite-poster'>
        <Text className='invite-poster__title'>邀请好友加入会员</Text>
        <Text className='invite-poster__subtitle'>{offer.friendPoints > 0 ? `好友开卡即得 ${offer.friendPoints} 积分` : '好友扫码即可开通会员卡'}</Text>
        <View className='invite-qr'>
          <QrCode text={linkOf(path)} />
        </View>
        <Text className='invite-poster__hint'>
          长按保存海报或截图分享 · {Number(expiresOn.slice(5, 7))}月{Number(expiresOn.slice(8))}日前有效
        </Text>
      </View>
      {/* What both friends get, from the merchant's referral settings (the same numbers the rewards use). */}
      <CellGroup className='invite-offer' title='邀请有礼'>
        <Cell
          className='invite-offer__friend'
          title='好友得'
          extra={<Text className='invite-offer__value'>{offer.friendPoints > 0 ? `开卡即送 ${offer.friendPoints} 积分` : '开通会员卡'}</Text>}
        />
        <Cell
          className='invite-offer__me'
          title='你得'
          extra={
            <Text className='invite-offer__value'>
              {inviterEarns
                ? [
                    offer.inviterOnRegister > 0 ? `好友开卡 +${offer.inviterOnRegister} 积分` : '',
                    offer.inviterOnFirstPurchase > 0 ? `好友首单 +${offer.inviterOnFirstPurchase} 积分` : '',
                  ]
                    .filter(Boolean)
                    .join('，')
                : '活动暂停，暂无邀请奖励'}
            </Text>
          }
        />
      </CellGroup>
      {mine.state.status === 'ready' ? (
        <View className='invite-stats'>
          <Text className='invite-stats__line'>
            已邀请 <Text className='invite-successful'>{mine.state.data.successful}</Text> 位好友，获得{' '}
            <Text className='invite-points'>{mine.state.data.points}</Text> 积分
          </Text>
          {mine.state.data.milestones.map((m) => (
            <Text key={m.count} className='invite-milestone'>
              每邀请 {m.count} 位好友得「{m.couponTitle}」· 已得 {m.earned} 张，再邀请 {m.toNext} 位得下一张
            </Text>
          ))}
          {mine.state.data.invitations.map((i, n) => (
            <View key={n} className='invite-row'>
              <Text className='invite-row__friend'>{i.friend}</Text>
              <Text className='invite-row__status'>
                {STATUS[i.status] ?? i.status}
                {i.reason ? `（${REASON[i.reason] ?? i.reason}）` : ''}
              </Text>
              <Text>{i.points > 0 ? `+${i.points}` : '—'}</Text>
              <Text className='invite-row__at'>{stamp(i.at)}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  )
}
