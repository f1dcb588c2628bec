import { useCallback, useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import type { MemberCard } from '@shared/schemas/member'
import { getCard, myRole } from '@/api/member'
import { supportsLocalSignIn } from '@/api/session'
import { PageStatus } from '@/components/PageStatus'
import { MemberCardView } from '@/components/MemberCardView'
import { LocalSignIn } from '@/components/LocalSignIn'
import './index.scss'

const WORKBENCH = { staff: '/pages/staff/index', merchant: '/pages/merchant/index' } as const

type CardState =
  | { status: 'loading' }
  | { status: 'ready'; card: MemberCard }
  | { status: 'signIn' }
  | { status: 'error'; message: string }

export default function IndexPage() {
  const [state, setState] = useState<CardState>({ status: 'loading' })

  const load = useCallback(async (quiet = false) => {
    if (!quiet) setState({ status: 'loading' })
    // Staff and the merchant work elsewhere (and must not be registered as members by getCard).
    const who = await myRole()
    if (who.ok && who.data.role) {
      void Taro.redirectTo({ url: WORKBENCH[who.data.role] })
      return
    }
    if (!who.ok && who.code === 'UNAUTHENTICATED' && supportsLocalSignIn) {
      setState({ status: 'signIn' })
      return
    }
    const res = await getCard()
    if (res.ok) setState({ status: 'ready', card: res.data })
    else if (res.code === 'UNAUTHENTICATED' && supportsLocalSignIn) setState({ status: 'signIn' })
    else setState({ status: 'error', message: res.message })
  }, [])

  // Re-read on every show: points change after a purchase or a redemption elsewhere.
  useDidShow(() => {
    void load(state.status === 'ready')
  })

  usePullDownRefresh(() => {
    void load(true).finally(() => Taro.stopPullDownRefresh())
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
      return <PageStatus className='member-error' status='error' message={state.message} onRetry={reload} />
    case 'ready':
      return <MemberCardView card={state.card} />
  }
}
