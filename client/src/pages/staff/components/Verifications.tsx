import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { VerificationView } from '@shared/contracts/coupon'
import { myVerifications, undoVerify } from '@/api/coupon'
import { Button, Cell, CellGroup, Tag, Toast } from '@/components/nutui'
import { formatYuan, stamp } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { useConfirm } from './useConfirm'

/** One line of the day: a verification (standing or undone since), or the undo itself. */
function Entry({ e, onUndo }: { e: VerificationView; onUndo: (e: VerificationView) => void }) {
  const undone = e.action === 'verify' && !e.active
  const what = e.action === 'undo' ? '撤销核销' : undone ? '核销（已撤销）' : '核销'
  return (
    <Cell
      className={`staff-verification staff-verification--${e.action}${undone ? ' staff-verification--undone' : ''}`}
      title={
        <View className='staff-verification__title'>
          <Tag type={e.action === 'undo' || undone ? 'warning' : 'success'}>{what}</Tag>
          <Text className='staff-verification__name'>{e.title}</Text>
        </View>
      }
      description={`${stamp(e.at)} · ${e.storeName}${e.orderAmountFen !== null ? ` · 本单 ${formatYuan(e.orderAmountFen)}` : ''}`}
      extra={
        e.canUndo ? (
          <Button size='small' className='staff-verification-undo' onClick={() => onUndo(e)}>
            撤销
          </Button>
        ) : null
      }
    />
  )
}

/** 今日核销: the clerk's own verifications and undos of the day; a store manager may undo one within 10 minutes, after saying what it undoes. */
export function Verifications({ refreshKey, onUndone }: { refreshKey: number; onUndone: (couponId: string) => void }) {
  const { state, reload } = useRemote(() => myVerifications(), [refreshKey])
  const [toast, setToast] = useState<{ text: string; ok: boolean } | null>(null)
  const { confirm, dialog } = useConfirm()
  const undo = async (e: VerificationView) => {
    const ok = await confirm({
      title: '撤销核销',
      content: `撤销 ${stamp(e.at)} 在${e.storeName}核销的「${e.title}」？撤销后该券恢复为未使用，顾客可再次使用。`,
      confirmText: '确认撤销',
      className: 'staff-confirm-undo',
    })
    if (!ok) return
    const res = await undoVerify(e.couponId)
    setToast(res.ok ? { text: `已撤销「${e.title}」的核销`, ok: true } : { text: res.message, ok: false })
    if (res.ok) onUndone(e.couponId)
    void reload({ quiet: true })
  }
  if (state.status !== 'ready' || state.data.entries.length === 0) return null
  const standing = state.data.entries.filter((e) => e.action === 'verify' && e.active).length
  return (
    <View className='staff-card staff-verifications'>
      <Text className='staff-card__title'>今日核销（{standing}）</Text>
      <CellGroup>
        {state.data.entries.map((e) => (
          <Entry key={e.auditId} e={e} onUndo={(x) => void undo(x)} />
        ))}
      </CellGroup>
      {dialog}
      <Toast
        className='staff-toast'
        visible={toast !== null}
        content={toast?.text ?? ''}
        icon={toast?.ok ? 'success' : 'fail'}
        onClose={() => setToast(null)}
      />
    </View>
  )
}
