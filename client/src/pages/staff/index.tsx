import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { IdentifiedMember } from '@shared/schemas/member'
import { identifyMember } from '@/api/member'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { ScanInput } from '@/components/ScanInput'
import { useRequireRole } from '@/hooks/useRequireRole'
import { MemberSummary } from './components/MemberSummary'
import { OrderEntry, type RecordedOrder } from './components/OrderEntry'
import { OrderResult } from './components/OrderResult'
import { CouponVerify } from './components/CouponVerify'
import { Verifications } from './components/Verifications'
import { classifyScannedCode } from '@shared/rules/scan-code'
import './index.scss'

/**
 * 店员工作台: identify a member by their dynamic code (or phone number), then record what they paid
 * for. The store is the clerk's own (from `myRole`; the server checks it again); points stay pending
 * until T+N.
 */
export default function StaffPage() {
  const { state, reload } = useRequireRole(['staff', 'merchant'])
  const [chosenStore, setChosenStore] = useState<string | null>(null)
  const [identifying, setIdentifying] = useState(false)
  const [member, setMember] = useState<IdentifiedMember | null>(null)
  const [identifyError, setIdentifyError] = useState<string | null>(null)
  const [result, setResult] = useState<RecordedOrder | null>(null)
  const [couponCode, setCouponCode] = useState<string | null>(null)
  const [verifiedCount, setVerifiedCount] = useState(0)
  // every scan is a fresh look at the coupon, even the same code scanned twice
  const [scanNo, setScanNo] = useState(0)

  const identify = async (code: string) => {
    // A coupon's code goes to coupon verification; anything else identifies a member.
    if (classifyScannedCode(code).kind === 'coupon_code') {
      setMember(null)
      setIdentifyError(null)
      setResult(null)
      setCouponCode(code)
      setScanNo((n) => n + 1)
      return
    }
    setCouponCode(null)
    setIdentifying(true)
    setIdentifyError(null)
    setResult(null)
    const res = await identifyMember(code)
    setIdentifying(false)
    if (res.ok) setMember(res.data)
    else {
      setMember(null)
      setIdentifyError(res.message)
    }
  }

  if (state.status !== 'ready') {
    return (
      <View className='staff-page staff-workbench'>
        <PageStatus className={`staff-status${state.status === 'error' ? ' staff-error' : ''}`} status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={() => void reload()} />
      </View>
    )
  }
  const staff = state.role
  const stores = staff.stores ?? []
  const storeId = chosenStore ?? staff.storeId ?? stores[0]?.id ?? null
  const storeName = stores.find((s) => s.id === storeId)?.name ?? storeId ?? '未绑定门店'

  return (
    <View className='staff-page staff-workbench'>
      <View className='staff-header'>
        <Text className='staff-header__name'>{staff.name ?? '店员'}</Text>
        <Text className='staff-header__store'>{storeName}</Text>
      </View>
      {staff.role === 'merchant' && stores.length > 1 ? (
        <View className='staff-stores'>
          {stores.map((s) => (
            <Button key={s.id} size='small' type={s.id === storeId ? 'primary' : 'default'} onClick={() => setChosenStore(s.id)}>
              {s.name}
            </Button>
          ))}
        </View>
      ) : null}

      <View className='staff-card'>
        <Text className='staff-card__title'>识别会员 / 核销券</Text>
        <ScanInput onCode={(c) => void identify(c)} busy={identifying} />
        {identifyError ? <Text className='staff-error staff-identify-error'>{identifyError}</Text> : null}
      </View>

      {couponCode ? <CouponVerify key={scanNo} code={couponCode} storeId={storeId} onVerified={() => setVerifiedCount((n) => n + 1)} /> : null}
      {member ? <MemberSummary member={member} /> : null}
      {member && storeId ? <OrderEntry memberId={member.memberId} storeId={storeId} onRecorded={setResult} /> : null}
      {result ? <OrderResult result={result} /> : null}
      <Verifications refreshKey={verifiedCount} />
    </View>
  )
}
