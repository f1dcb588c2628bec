import { useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { IdentifiedMember } from '@shared/schemas/member'
import { classifyScannedCode } from '@shared/rules/scan-code'
import { identifyMember, refreshIdentified } from '@/api/member'
import { tillOrders } from '@/api/points'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { ScanInput } from '@/components/ScanInput'
import { SwitchIdentity } from '@/components/SwitchIdentity'
import { useRemote } from '@/hooks/useRemote'
import { useRequireRole, type StaffRole } from '@/hooks/useRequireRole'
import { MemberSummary } from './components/MemberSummary'
import { OrderEntry, type RecordedOrder } from './components/OrderEntry'
import { ResultSheet } from './components/ResultSheet'
import { TillOrders } from './components/TillOrders'
import { CouponVerify } from './components/CouponVerify'
import { Verifications } from './components/Verifications'
import { NoStore, StaffGate } from './components/StaffGate'
import { draftOrder, newDraft, type OrderDraft } from './menu'
import './index.scss'

/** Answers that mean the request did not get through (an outage), not that the code was wrong. */
const OUTAGE = new Set(['UNAVAILABLE', 'CONFLICT', 'INTERNAL'])

/**
 * 店员工作台: one field takes whatever the customer shows — a member code (or a phone number) to
 * record what they paid for, or a coupon code to verify it. The store is the clerk's own (from
 * `myRole`; the server checks it again); points stay pending until T+N. The member and the order
 * being entered belong to the page: a failed request (an outage) or a coupon scan never loses them.
 */
export default function StaffPage() {
  const { state, reload } = useRequireRole(['staff', 'merchant'])
  // The last role the server confirmed: a failed re-check on showing the page again (an outage) keeps the till.
  const lastRole = useRef<StaffRole | null>(null)
  if (state.status === 'ready') lastRole.current = state.role
  const [chosenStore, setChosenStore] = useState<string | null>(null)
  const [identifying, setIdentifying] = useState(false)
  const [member, setMember] = useState<IdentifiedMember | null>(null)
  const [identifyError, setIdentifyError] = useState<string | null>(null)
  const [draft, setDraft] = useState<OrderDraft>(newDraft)
  const [result, setResult] = useState<RecordedOrder | null>(null)
  const [scanKey, setScanKey] = useState(0)
  const [couponCode, setCouponCode] = useState<string | null>(null)
  const [verifiedCount, setVerifiedCount] = useState(0)
  // every scan is a fresh look at the coupon, even the same code scanned twice
  const [scanNo, setScanNo] = useState(0)
  const staffRole = lastRole.current
  const storeId = staffRole ? (chosenStore ?? staffRole.storeId ?? staffRole.stores?.[0]?.id ?? null) : null
  const till = useRemote(() => (storeId ? tillOrders(storeId) : Promise.resolve({ ok: false as const, code: 'NOT_FOUND', message: '未绑定门店' })), [storeId])

  /** After 确认录入: the sheet shows the result, the summary and today's list are read again. */
  const recorded = async (r: RecordedOrder) => {
    setResult(r)
    void till.reload({ quiet: true })
    if (member) {
      const fresh = await refreshIdentified(member.memberId)
      if (fresh.ok) setMember(fresh.data)
    }
  }
  /** 下一位顾客: the member (or coupon) and the order are cleared, the code field is empty again. */
  const next = () => {
    setResult(null)
    setMember(null)
    setCouponCode(null)
    setIdentifyError(null)
    setDraft(newDraft())
    setScanKey((k) => k + 1)
  }

  const identify = async (code: string) => {
    setIdentifyError(null)
    setResult(null)
    // A coupon's code goes to coupon verification (the member and the order stay: the coupon is often for this order).
    if (classifyScannedCode(code).kind === 'coupon_code') {
      setCouponCode(code)
      setScanNo((n) => n + 1)
      return
    }
    setCouponCode(null)
    setIdentifying(true)
    const res = await identifyMember(code)
    setIdentifying(false)
    if (res.ok) return setMember(res.data)
    if (OUTAGE.has(res.code)) {
      // Nothing was learnt about the new code: the selected member and the half-entered order stay.
      setIdentifyError(`识别失败：${res.message}${member ? '（当前会员和录入内容已保留）' : ''}`)
      return
    }
    // A definite answer (a wrong or expired code): the previous member is not who stands there.
    setMember(null)
    setIdentifyError(res.message)
  }

  if (!staffRole) {
    return (
      <View className='staff-page staff-workbench'>
        {state.status === 'loading' ? <PageStatus className='staff-status' status='loading' /> : <StaffGate onRetry={() => void reload()} />}
      </View>
    )
  }
  const staff = staffRole
  const stores = staff.stores ?? []
  const storeName = stores.find((s) => s.id === storeId)?.name ?? storeId ?? '未绑定门店'
  const order = draftOrder(draft)

  return (
    <View className='staff-page staff-workbench'>
      <View className='staff-header'>
        <Text className='staff-header__name'>{staff.name ?? '店员'}</Text>
        <Text className='staff-header__store'>{storeName}</Text>
        <SwitchIdentity />
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
      {!storeId ? (
        <NoStore />
      ) : (
        <>
          <View className='staff-card'>
            <Text className='staff-card__title'>识别会员 / 核销券</Text>
            <ScanInput key={scanKey} onCode={(c) => void identify(c)} busy={identifying} />
            {identifyError ? <Text className='staff-error staff-identify-error'>{identifyError}</Text> : null}
          </View>

          {couponCode ? (
            <CouponVerify
              key={scanNo}
              code={couponCode}
              storeId={storeId}
              orderFen={member ? order.totalFen : 0}
              receiptNo={member ? draft.receiptNo : null}
              onVerified={() => setVerifiedCount((n) => n + 1)}
            />
          ) : null}
          {member ? <MemberSummary member={member} /> : null}
          {member ? (
            <OrderEntry
              memberId={member.memberId}
              storeId={storeId}
              confirmAboveFen={till.state.status === 'ready' ? till.state.data.confirmAboveFen : null}
              draft={draft}
              onDraft={setDraft}
              onRecorded={(r) => void recorded(r)}
            />
          ) : null}
          <TillOrders state={till.state} onChanged={() => void till.reload({ quiet: true })} />
          {/* An undone verification: its result card above no longer holds, so it goes. */}
          <Verifications refreshKey={verifiedCount} onUndone={() => setCouponCode(null)} />
          {result ? <ResultSheet result={result} onNext={next} onStay={() => setResult(null)} /> : null}
        </>
      )}
    </View>
  )
}
