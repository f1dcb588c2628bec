import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { MemberCodeView } from '@shared/schemas/member'
import { getMemberCode } from '@/api/member'
import { code128Runs, groupDigits, qrRuns } from './encode'
import './index.scss'

/** Units are percentages of the drawing box, so the same Views draw in weapp and H5 at any size. */
function pct(n: number, of: number): string {
  return `${((n / of) * 100).toFixed(4)}%`
}

export function QrCode({ text }: { text: string }) {
  const { size, rows } = useMemo(() => qrRuns(text), [text])
  const quiet = 2
  const total = size + quiet * 2
  return (
    <View className='member-code-qr' data-code={text}>
      {rows.map((runs, r) =>
        runs.map((run) => (
          <View
            key={`${r}-${run.x}`}
            className='member-code-qr__cell'
            style={{ left: pct(run.x + quiet, total), top: pct(r + quiet, total), width: pct(run.w, total), height: pct(1, total) }}
          />
        )),
      )}
    </View>
  )
}

export function Barcode({ text }: { text: string }) {
  const { modules, bars } = useMemo(() => code128Runs(text), [text])
  const quiet = 10
  const total = modules + quiet * 2
  return (
    <View className='member-code-barcode' data-code={text}>
      {bars.map((bar) => (
        <View key={bar.x} className='member-code-barcode__bar' style={{ left: pct(bar.x + quiet, total), width: pct(bar.w, total) }} />
      ))}
    </View>
  )
}

/**
 * The dynamic member code: a signed token that changes every 60 s (QR holds the token, the barcode its
 * 26-digit form). Fetches a fresh code when the server says the current one's window ends. A failed
 * fetch keeps the code held for as long as the server still accepts it (until `expiresAt`), so a
 * member can show it at the till while the network is down; after that it is hidden, never shown stale.
 */
export function useMemberCode() {
  const [code, setCode] = useState<MemberCodeView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const alive = useRef(true)

  const load = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current)
    const res = await getMemberCode()
    if (!alive.current) return
    let wait = 60_000
    if (res.ok) {
      setCode(res.data)
      setError(null)
      // Refresh at the end of the code's window (server time), within [1 s, period].
      wait = Math.min(res.data.periodMs, Math.max(1000, new Date(res.data.refreshAt).getTime() - Date.now() + 300))
    } else {
      setError(res.message)
      wait = 5000
    }
    timer.current = setTimeout(() => void load(), wait)
  }, [])

  useEffect(() => {
    alive.current = true
    void load()
    const tick = setInterval(() => setNow(Date.now()), 1000)
    return () => {
      alive.current = false
      clearInterval(tick)
      if (timer.current) clearTimeout(timer.current)
    }
  }, [load])

  const valid = code !== null && new Date(code.expiresAt).getTime() > now
  const secondsLeft = code ? Math.max(0, Math.ceil((new Date(code.refreshAt).getTime() - now) / 1000)) : 0
  return { code: valid ? code : null, expired: code !== null && !valid, error, secondsLeft, refresh: load }
}

export type MemberCodeState = ReturnType<typeof useMemberCode>

/** The code as drawn on the card (compact) or full screen at the till (larger, with a countdown). */
export function MemberCode({ state, fullscreen = false }: { state: MemberCodeState; fullscreen?: boolean }) {
  const { code, expired, error, secondsLeft, refresh } = state
  if (!code) {
    return (
      <View className={`member-code member-code--loading${fullscreen ? ' member-code--full' : ''}`}>
        <Text className='member-code__hint'>{expired ? '会员码已过期，网络恢复后自动刷新' : (error ?? '会员码加载中…')}</Text>
        {error ? (
          <Text className='member-code__refresh' onClick={() => void refresh()}>
            重试
          </Text>
        ) : null}
      </View>
    )
  }
  return (
    <View className={`member-code${fullscreen ? ' member-code--full' : ''}`}>
      <Text className='member-code__title'>会员码</Text>
      {code.numeric ? <Barcode text={code.numeric} /> : null}
      <Text className='member-code-text'>{code.numeric ? groupDigits(code.numeric) : code.code}</Text>
      <QrCode text={code.code} />
      <View className='member-code__footer'>
        <Text className='member-code__countdown'>{secondsLeft > 0 ? `${secondsLeft} 秒后自动刷新` : '正在刷新…'}</Text>
        <Text className='member-code__refresh member-code-refresh' onClick={() => void refresh()}>
          刷新
        </Text>
      </View>
      <Text className='member-code__hint'>仅限本人当面出示，截图无效</Text>
      {error ? <Text className='member-code__hint member-code__hint--error member-code-offline'>网络异常，当前会员码仍然有效</Text> : null}
    </View>
  )
}
