import { useCallback, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import type { MemberCard } from '@shared/schemas/member'
import { getCard, joinStatus, myRole } from '@/api/member'
import { supportsLocalSignIn } from '@/api/session'
import { PageStatus } from '@/components/PageStatus'
import { MemberCardView } from '@/components/MemberCardView'
import { LocalSignIn } from '@/components/LocalSignIn'
import { dateTime } from '@/format'
import { WORKBENCH, replace } from '@/navigation'
import './index.scss'

type CardState =
  | { status: 'loading' }
  | { status: 'ready'; card: MemberCard; loadedAt: string; banner: string | null }
  | { status: 'signIn' }
  | { status: 'error'; code?: string; message: string }

/**
 * The card a member opens the app for. Staff and the merchant go to their workbench (never
 * registered), a person without a card to 开卡 (or the farewell, after a deletion). Once a card is
 * shown it stays: a failed refresh keeps the last good card and its member code, with a banner.
 */
export default function IndexPage() {
  const [state, setState] = useState<CardState>({ status: 'loading' })
  const shown = useRef<{ card: MemberCard; loadedAt: string } | null>(null)
  const params = useRouter().params
  const welcome = params.welcome === '1'
  // An invitation link opens the card; a person without one carries it on to 开卡 (member.join { invite }).
  const invite = params.invite

  const load = useCallback(async () => {
    const held = shown.current
    const keep = (message: string, code?: string) => {
      if (held) setState({ status: 'ready', ...held, banner: `${message}（显示的是 ${dateTime(held.loadedAt)} 的数据）` })
      else setState({ status: 'error', code, message })
    }
    if (!held) setState({ status: 'loading' })
    const who = await myRole()
    if (who.ok && who.data.role) return replace(WORKBENCH[who.data.role])
    if (!who.ok) {
      if (who.code === 'UNAUTHENTICATED' && supportsLocalSignIn) return setState({ status: 'signIn' })
      return keep(who.message, who.code)
    }
    const res = await getCard()
    if (res.ok) {
      shown.current = { card: welcome ? { ...res.data, isNew: true } : res.data, loadedAt: new Date().toISOString() }
      return setState({ status: 'ready', ...shown.current, banner: null })
    }
    if (res.code === 'NOT_A_MEMBER') {
      shown.current = null
      const status = await joinStatus()
      if (status.ok)
        return replace(status.data.departedOn ? '/pages/farewell/index' : `/pages/join/index${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`)
      return keep(status.message, status.code)
    }
    if (res.code === 'UNAUTHENTICATED' && supportsLocalSignIn) return setState({ status: 'signIn' })
    keep(res.message, res.code)
  }, [welcome, invite])

  // Re-read on every show: points change after a purchase or a redemption elsewhere.
  useDidShow(() => {
    void load()
  })

  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh())
  })

  return <View className='index-page'>{renderState(state, () => void load())}</View>
}

function renderState(state: CardState, reload: () => void) {
  switch (state.status) {
    case 'loading':
      return <PageStatus className='member-loading' status='loading' />
    case 'signIn':
      return <LocalSignIn onSignedIn={reload} />
    case 'error':
      return <PageStatus className='member-error' status='error' code={state.code} message={state.message} onRetry={reload} home={false} />
    case 'ready':
      return <MemberCardView card={state.card} banner={state.banner} onRetry={reload} />
  }
}
