import { useEffect, useState, type ReactNode } from 'react'
import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { Result } from '@shared/envelope'
import { listTemplates } from '@/api/coupon'
import { Button, Input } from '@/components/nutui'
import { useRemote } from '@/hooks/useRemote'

/** One console section's frame. */
export function Section({ className, children }: { className: string; children: ReactNode }) {
  return <View className={`merchant-section ${className}`}>{children}</View>
}

export function ErrorText({ message }: { message: string | null }) {
  return message ? <Text className='merchant-error'>{message}</Text> : null
}

/** A section still loading its data, or failed to. */
export function SectionLoading({ error }: { error: string | null }) {
  return error ? <ErrorText message={error} /> : <Text className='merchant-status'>加载中…</Text>
}

/** Digits only; null when empty or not a whole number. */
export function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null
}

/** Why a manual grant issued nothing to a member (the issuing path's refusals), in the merchant's words. */
export const GRANT_REFUSAL: Record<string, string> = {
  COUPON_OUT_OF_STOCK: '该券已发完',
  COUPON_LIMIT_REACHED: '已达到此券的每人限领张数',
  COUPON_UNAVAILABLE: '该券当前不可发放（已停用或不在有效期）',
  NOT_FOUND: '券模板不存在',
  MEMBER_NOT_FOUND: '没有这个卡号的会员（或已注销），请核对卡号',
  IDEMPOTENCY_KEY_REUSED: '请求编号重复，请重试',
}

/** Asks before a save (or another action that costs, named by `confirmText`); resolves true when the merchant confirms. */
export async function confirmSave(title: string, content: string, confirmText = '保存'): Promise<boolean> {
  const answer = await Taro.showModal({ title, content, confirmText })
  return answer.confirm
}

/** A settings form's draft: every field as typed ('on' / 'off' for a switch, a template id or '' for a coupon). */
export type Draft = Record<string, string>

/** One field of a settings form: a whole (or decimal) number in a range, an on/off switch, or a coupon template picked by name. */
export type FieldSpec =
  | { kind: 'number'; key: string; label: string; min: number; max: number; decimal?: boolean; optional?: boolean; unit?: string }
  | { kind: 'switch'; key: string; label: string }
  | { kind: 'coupon'; key: string; label: string }
  | { kind: 'heading'; key: string; label: string }

/** The numbers of the draft, checked against their specs: a message for the first bad one. */
function readNumbers(fields: FieldSpec[], draft: Draft): { numbers: Record<string, number | null> } | { error: string } {
  const numbers: Record<string, number | null> = {}
  for (const f of fields) {
    if (f.kind !== 'number') continue
    const text = (draft[f.key] ?? '').trim()
    if (text === '' && f.optional) {
      numbers[f.key] = null
      continue
    }
    const n = f.decimal ? (/^\d{1,4}(\.\d{1,2})?$/.test(text) ? Number(text) : null) : wholeNumber(text)
    if (n === null || n < f.min || n > f.max)
      return { error: `${f.label}应为 ${f.min}–${f.max} 之间的${f.decimal ? '数' : '整数'}${f.optional ? '，不需要请留空' : ''}` }
    numbers[f.key] = n
  }
  return { numbers }
}

/** The merchant's coupon templates, to pick by name (the settings store their ids). */
function useCouponTemplates() {
  return useRemote(() => listTemplates(), [])
}

/** A versioned settings document as a form edits it. */
interface Versioned<T> {
  version: number
  value: T
}

/** Answers `res` with its data mapped (a settings call's `{ version, settings | rules }` to `Versioned`). */
export function mapResult<A, B>(res: Result<A>, f: (a: A) => B): Result<B> {
  return res.ok ? { ok: true, data: f(res.data) } : res
}

interface SettingsFormProps<T> {
  /** the section's class; the form's own class is `<className>-form` */
  className: string
  title: string
  load: () => Promise<Result<Versioned<T>>>
  save: (expectedVersion: number, value: T) => Promise<Result<{ version: number }>>
  fields: (value: T) => FieldSpec[]
  toDraft: (value: T) => Draft
  /** the settings of a checked draft, or a message */
  fromDraft: (draft: Draft, numbers: Record<string, number | null>, base: T) => T | string
  /** what the confirmation says is about to change */
  describe: (value: T, couponTitle: (id: string | null) => string) => string
}

/**
 * One versioned settings form (the engagement, lifecycle, referral and check-in settings): loads the
 * version in force, edits a draft, asks before saving with the version it was made against, and on a
 * conflict (someone saved in between) shows the message and reloads the current version.
 */
export function SettingsForm<T>(props: SettingsFormProps<T>) {
  const { className, title, fields, toDraft, fromDraft, describe } = props
  const remote = useRemote(props.load, [])
  const templates = useCouponTemplates()
  const [draft, setDraft] = useState<Draft | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (remote.state.status === 'ready') setDraft(toDraft(remote.state.data.value))
    // a new version loaded: the draft starts again from it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [remote.state])

  if (remote.state.status !== 'ready' || !draft)
    return (
      <View className={`${className}-form`}>
        <SectionLoading error={remote.state.status === 'error' ? remote.state.message : null} />
      </View>
    )
  const current = remote.state.data
  const specs = fields(current.value)
  const coupons = templates.state.status === 'ready' ? templates.state.data.templates : []
  const couponTitle = (id: string | null) => (id ? (coupons.find((t) => t.templateId === id)?.title ?? id) : '不发券')
  const set = (key: string, v: string) => setDraft((d) => ({ ...(d ?? {}), [key]: v }))

  const save = async () => {
    setError(null)
    setSaved(null)
    const checked = readNumbers(specs, draft)
    if ('error' in checked) return setError(checked.error)
    const value = fromDraft(draft, checked.numbers, current.value)
    if (typeof value === 'string') return setError(value)
    if (!(await confirmSave(`保存${title}`, describe(value, couponTitle)))) return
    setSaving(true)
    const res = await props.save(current.version, value)
    setSaving(false)
    if (res.ok) {
      await remote.reload({ quiet: true })
      setSaved(`已保存为第 ${res.data.version} 版`)
    } else {
      setError(res.code.endsWith('VERSION_CONFLICT') ? `${res.message}（已载入最新设置，请核对后重新保存）` : res.message)
      if (res.code.endsWith('VERSION_CONFLICT')) void remote.reload({ quiet: true })
    }
  }

  return (
    <View className={`${className}-form merchant-settings-form`}>
      <View className='merchant-row'>
        <Text className='merchant-label'>{title}</Text>
        <Text className={`${className}-version`}>v{current.version}</Text>
      </View>
      {specs.map((f) => (
        <FieldRow key={f.key} spec={f} value={draft[f.key] ?? ''} className={className} coupons={coupons} onChange={(v) => set(f.key, v)} />
      ))}
      <Button className={`${className}-save`} type='primary' loading={saving} disabled={saving} onClick={() => void save()}>
        保存
      </Button>
      <ErrorText message={error} />
      {saved ? <Text className='merchant-saved'>{saved}</Text> : null}
    </View>
  )
}

/** A field's class: `<section>-<key>` with the key's dots as dashes (`m0.count` → `…-m0-count`). */
const fieldClass = (className: string, key: string) => `${className}-${key.replace(/\./g, '-')}`

function FieldRow({
  spec,
  value,
  className,
  coupons,
  onChange,
}: {
  spec: FieldSpec
  value: string
  className: string
  coupons: { templateId: string; title: string }[]
  onChange: (v: string) => void
}) {
  const cls = fieldClass(className, spec.key)
  if (spec.kind === 'heading') return <Text className='merchant-row merchant-hint'>{spec.label}</Text>
  if (spec.kind === 'switch')
    return (
      <View className='merchant-row'>
        <Text className='merchant-label'>{spec.label}</Text>
        <View className={`merchant-fraud-item__actions ${cls}`}>
          {(['on', 'off'] as const).map((v) => (
            <Button key={v} size='small' type={value === v ? 'primary' : 'default'} onClick={() => onChange(v)}>
              {v === 'on' ? '开启' : '关闭'}
            </Button>
          ))}
        </View>
      </View>
    )
  if (spec.kind === 'coupon')
    return (
      <View className='merchant-row merchant-coupon-pick'>
        <Text className='merchant-label'>{spec.label}</Text>
        <View className={`merchant-fraud-item__actions ${cls}`}>
          {[{ templateId: '', title: '不发券' }, ...coupons].map((t) => (
            <Button key={t.templateId || 'none'} size='small' type={value === t.templateId ? 'primary' : 'default'} onClick={() => onChange(t.templateId)}>
              {t.title}
            </Button>
          ))}
          {value && !coupons.some((t) => t.templateId === value) ? <Text className='merchant-hint'>当前：{value}</Text> : null}
        </View>
      </View>
    )
  return (
    <View className='merchant-row'>
      <Text className='merchant-label'>
        {spec.label}
        {spec.unit ? `（${spec.unit}）` : ''}
      </Text>
      <View className={`merchant-field ${cls}`}>
        <Input type={spec.decimal ? 'digit' : 'number'} placeholder={spec.optional ? '不需要请留空' : ''} value={value} onChange={(v) => onChange(v)} />
      </View>
    </View>
  )
}
