import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MyRole } from '@shared/schemas/member'
import type { TierConfig } from '@shared/rules/tiers'
import type { EarningRules } from '@shared/schemas/points'
import { getTierConfig, listAccessLog, myRole, updateTierConfig, type AccessLogEntry } from '@/api/member'
import { getPosSecret, getRules, listFraudFlags, reconcile, reviewFraudFlag, updateRules, type FraudFlag, type PosSecret, type ReconcileResult } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import './index.scss'

type Section = 'tiers' | 'rules' | 'fraud' | 'reconcile' | 'access' | 'pos'
const SECTIONS: { id: Section; label: string }[] = [
  { id: 'tiers', label: '等级设置' },
  { id: 'rules', label: '积分规则' },
  { id: 'fraud', label: '风险预警' },
  { id: 'reconcile', label: '对账' },
  { id: 'access', label: '查询记录' },
  { id: 'pos', label: 'POS 密钥' },
]

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

function ErrorText({ message }: { message: string | null }) {
  return message ? <Text className='merchant-error'>{message}</Text> : null
}

/** Digits only; null when empty or not a whole number. */
function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null
}

/**
 * 商家后台: tier ladder, earning rules, fraud flags, reconciliation and POS secrets. Every section
 * reads through the typed API; every save carries the version it was made against.
 */
export default function MerchantPage() {
  const [role, setRole] = useState<MyRole | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [section, setSection] = useState<Section>('tiers')

  const loadRole = useCallback(async () => {
    const res = await myRole()
    if (!res.ok) {
      if (res.code === 'UNAUTHENTICATED') void Taro.redirectTo({ url: '/pages/index/index' })
      else setError(res.message)
      return
    }
    if (res.data.role !== 'merchant') setError('仅商家可使用后台')
    else setRole(res.data)
  }, [])
  useDidShow(() => void loadRole())

  if (!role) {
    return (
      <View className='merchant-page merchant-console'>
        <Text className='merchant-status'>{error ?? '加载中…'}</Text>
      </View>
    )
  }
  return (
    <View className='merchant-page merchant-console'>
      <View className='merchant-header'>
        <Text className='merchant-header__name'>{role.name ?? '商家'}</Text>
      </View>
      <View className='merchant-tabs'>
        {SECTIONS.map((s) => (
          <View key={s.id} className={`merchant-tab merchant-tab-${s.id}${s.id === section ? ' merchant-tab--active' : ''}`} onClick={() => setSection(s.id)}>
            <Text>{s.label}</Text>
          </View>
        ))}
      </View>
      {section === 'tiers' ? <TiersSection /> : null}
      {section === 'rules' ? <RulesSection /> : null}
      {section === 'fraud' ? <FraudSection /> : null}
      {section === 'reconcile' ? <ReconcileSection /> : null}
      {section === 'access' ? <AccessSection /> : null}
      {section === 'pos' ? <PosSection stores={role.stores ?? []} /> : null}
    </View>
  )
}

// ------------------------------------------------------------------ 等级设置

function TiersSection() {
  const [config, setConfig] = useState<TierConfig | null>(null)
  const [thresholds, setThresholds] = useState<string[]>([])
  const [multipliers, setMultipliers] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const show = (c: TierConfig) => {
    setConfig(c)
    setThresholds(c.tiers.map((t) => String(t.threshold)))
    setMultipliers(c.tiers.map((t) => String(t.benefits.pointsMultiplier)))
  }
  const load = useCallback(async () => {
    const res = await getTierConfig()
    if (res.ok) show(res.data.config)
    else setError(res.message)
  }, [])
  useEffect(() => void load(), [load])

  if (!config) return <Section className='merchant-tiers'>{error ? <ErrorText message={error} /> : <Text className='merchant-status'>加载中…</Text>}</Section>

  const save = async () => {
    setError(null)
    setSaved(null)
    const tiers = []
    for (let i = 0; i < config.tiers.length; i += 1) {
      const threshold = wholeNumber(thresholds[i] ?? '')
      const multiplier = Number(multipliers[i])
      if (threshold === null) return setError(`${config.tiers[i].name}的门槛应为整数成长值`)
      if (!(multiplier >= 1 && multiplier <= 10)) return setError(`${config.tiers[i].name}的积分倍率应在 1–10 之间`)
      tiers.push({ ...config.tiers[i], threshold, benefits: { ...config.tiers[i].benefits, pointsMultiplier: multiplier } })
    }
    setSaving(true)
    const res = await updateTierConfig({
      expectedVersion: config.version,
      settings: { basis: config.basis, growthPerYuan: config.growthPerYuan, graceDays: config.graceDays, tiers },
    })
    setSaving(false)
    if (res.ok) {
      show(res.data)
      setSaved(`已保存为第 ${res.data.version} 版`)
    } else {
      setError(res.message)
      if (res.code === 'TIER_CONFIG_VERSION_CONFLICT') void load()
    }
  }

  return (
    <Section className='merchant-tiers'>
      <View className='merchant-row'>
        <Text className='merchant-label'>当前版本</Text>
        <Text className='merchant-tier-version'>v{config.version}</Text>
      </View>
      <Text className='merchant-hint'>
        成长值：{config.basis === 'rolling12m' ? '近 12 个月消费' : '累计消费'}，每消费 ¥1 得 {config.growthPerYuan} 成长值；降级宽限 {config.graceDays} 天
      </Text>
      <View className='merchant-table'>
        <View className='merchant-table__head'>
          <Text className='merchant-col merchant-col--name'>等级</Text>
          <Text className='merchant-col'>门槛（成长值）</Text>
          <Text className='merchant-col'>积分倍率</Text>
        </View>
        {config.tiers.map((t, i) => (
          <View key={t.id} className={`merchant-table__row merchant-tier merchant-tier--${t.id}`}>
            <Text className='merchant-col merchant-col--name' style={{ color: t.color }}>
              {t.name}
            </Text>
            <View className={`merchant-col merchant-field merchant-tier-threshold merchant-tier-threshold--${t.id}`}>
              <Input
                type='number'
                value={thresholds[i] ?? ''}
                disabled={i === 0}
                onChange={(v) => setThresholds((xs) => xs.map((x, k) => (k === i ? v : x)))}
              />
            </View>
            <View className={`merchant-col merchant-field merchant-tier-multiplier merchant-tier-multiplier--${t.id}`}>
              <Input type='digit' value={multipliers[i] ?? ''} onChange={(v) => setMultipliers((xs) => xs.map((x, k) => (k === i ? v : x)))} />
            </View>
          </View>
        ))}
      </View>
      <Button className='merchant-tier-save' type='primary' block loading={saving} disabled={saving} onClick={() => void save()}>
        保存等级设置
      </Button>
      {saved ? <Text className='merchant-saved'>{saved}</Text> : null}
      <ErrorText message={error} />
    </Section>
  )
}

// ------------------------------------------------------------------ 积分规则

function describeMemberDay(r: EarningRules): string {
  const d = r.memberDay
  if (d.kind === 'none') return '无'
  if (d.kind === 'weekly') return `每周${WEEKDAYS[d.weekday]} ×${d.multiplier}`
  return `每月 ${d.day} 日 ×${d.multiplier}`
}

function describeExpiry(r: EarningRules): string {
  return r.expiry.kind === 'rolling' ? `获得后 ${r.expiry.months} 个月` : '次年年底'
}

function RulesSection() {
  const [data, setData] = useState<{ version: number; rules: EarningRules } | null>(null)
  const [bonus, setBonus] = useState('')
  const [cap, setCap] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const show = (d: { version: number; rules: EarningRules }) => {
    setData(d)
    setBonus(String(d.rules.registrationBonus))
    setCap(d.rules.dailyCapPerMember === null ? '' : String(d.rules.dailyCapPerMember))
  }
  const load = useCallback(async () => {
    const res = await getRules()
    if (res.ok) show(res.data)
    else setError(res.message)
  }, [])
  useEffect(() => void load(), [load])

  if (!data) return <Section className='merchant-rules'>{error ? <ErrorText message={error} /> : <Text className='merchant-status'>加载中…</Text>}</Section>
  const r = data.rules
  const per100 = Math.floor((10000 / r.stepFen) * r.pointsPerStep)

  const save = async () => {
    setError(null)
    setSaved(null)
    const registrationBonus = wholeNumber(bonus)
    const dailyCap = cap.trim() === '' ? null : wholeNumber(cap)
    if (registrationBonus === null) return setError('注册奖励应为整数积分')
    if (dailyCap === 0 || (cap.trim() !== '' && dailyCap === null)) return setError('每日上限应为正整数，留空表示不设上限')
    setSaving(true)
    const res = await updateRules({ expectedVersion: data.version, rules: { ...r, registrationBonus, dailyCapPerMember: dailyCap } })
    setSaving(false)
    if (res.ok) {
      show({ version: res.data.version, rules: { ...r, registrationBonus, dailyCapPerMember: dailyCap } })
      setSaved(`已保存为第 ${res.data.version} 版`)
    } else {
      setError(res.message)
      if (res.code === 'RULES_VERSION_CONFLICT') void load()
    }
  }

  const facts: [string, string][] = [
    ['每消费 ¥100', `${per100} 积分`],
    ['会员日', describeMemberDay(r)],
    ['积分生效', `T+${r.pendingDays}`],
    ['有效期', describeExpiry(r)],
  ]
  return (
    <Section className='merchant-rules'>
      <View className='merchant-row'>
        <Text className='merchant-label'>当前版本</Text>
        <Text className='merchant-rules-version'>v{data.version}</Text>
      </View>
      {facts.map(([k, v]) => (
        <View key={k} className='merchant-row'>
          <Text className='merchant-label'>{k}</Text>
          <Text>{v}</Text>
        </View>
      ))}
      <View className='merchant-row'>
        <Text className='merchant-label'>注册奖励</Text>
        <View className='merchant-field merchant-rules-bonus'>
          <Input type='number' value={bonus} onChange={(v) => setBonus(v)} />
        </View>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>每日积分上限</Text>
        <View className='merchant-field merchant-rules-cap'>
          <Input type='number' placeholder='不设上限' value={cap} onChange={(v) => setCap(v)} />
        </View>
      </View>
      <Button className='merchant-rules-save' type='primary' block loading={saving} disabled={saving} onClick={() => void save()}>
        保存积分规则
      </Button>
      {saved ? <Text className='merchant-saved'>{saved}</Text> : null}
      <ErrorText message={error} />
    </Section>
  )
}

// ------------------------------------------------------------------ 风险预警

function when(value: unknown): string {
  const iso = typeof value === 'string' ? value : value && typeof value === 'object' && '$date' in value ? String((value as { $date: unknown }).$date) : null
  if (!iso) return ''
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

function FraudSection() {
  const [flags, setFlags] = useState<FraudFlag[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)

  const load = useCallback(async () => {
    const res = await listFraudFlags({ status: 'open' })
    if (res.ok) setFlags(res.data)
    else setError(res.message)
  }, [])
  useEffect(() => void load(), [load])

  const review = async (flagId: string, decision: 'release' | 'confirm') => {
    setBusy(flagId)
    setError(null)
    const res = await reviewFraudFlag({ flagId, decision, note: decision === 'release' ? '商家放行' : '商家确认作废' })
    setBusy(null)
    if (!res.ok) setError(res.message)
    await load()
  }

  return (
    <Section className='merchant-fraud'>
      <ErrorText message={error} />
      {flags === null && !error ? <Text className='merchant-status'>加载中…</Text> : null}
      <View className='merchant-fraud-list'>
        {flags && flags.length === 0 ? <Text className='merchant-empty merchant-fraud-empty'>暂无待处理的风险预警</Text> : null}
        {(flags ?? []).map((f) => (
          <View key={f._id} className='merchant-fraud-item'>
            <Text className='merchant-fraud-item__reason'>{f.reason}</Text>
            <Text className='merchant-hint'>
              会员 {f.memberId} · 门店 {f.storeId} · ¥{(f.amountFen / 100).toFixed(2)} · {f.points} 积分{f.held ? '（暂缓发放）' : ''} · {when(f.createdAt)}
            </Text>
            <View className='merchant-fraud-item__actions'>
              <Button size='small' className='merchant-fraud-release' type='primary' disabled={busy !== null} onClick={() => void review(f._id, 'release')}>
                放行
              </Button>
              <Button size='small' className='merchant-fraud-confirm' type='danger' disabled={busy !== null} onClick={() => void review(f._id, 'confirm')}>
                确认作废
              </Button>
            </View>
          </View>
        ))}
      </View>
    </Section>
  )
}

// ------------------------------------------------------------------ 对账

function ReconcileSection() {
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState(0)
  const [result, setResult] = useState<{ checked: number; drifts: ReconcileResult['drifts'] } | null>(null)
  const [error, setError] = useState<string | null>(null)

  /** Every member, page by page (the function audits at most 200 per call). */
  const run = async () => {
    setRunning(true)
    setError(null)
    setResult(null)
    let after: string | undefined
    let checked = 0
    const drifts: ReconcileResult['drifts'] = []
    for (;;) {
      const res = await reconcile(after ? { after, limit: 200 } : { limit: 200 })
      if (!res.ok) {
        setError(res.message)
        break
      }
      checked += res.data.checked
      drifts.push(...res.data.drifts)
      setProgress(checked)
      if (!res.data.nextAfter) {
        setResult({ checked, drifts })
        break
      }
      after = res.data.nextAfter
    }
    setRunning(false)
  }

  return (
    <Section className='merchant-reconcile-section'>
      <Text className='merchant-hint'>逐个核对会员积分余额与流水合计；发现差异只记录，不自动修正。</Text>
      <Button className='merchant-reconcile' type='primary' block loading={running} disabled={running} onClick={() => void run()}>
        {running ? `对账中（已核对 ${progress}）` : '开始对账'}
      </Button>
      {result ? (
        <View className={`merchant-reconcile-result${result.drifts.length ? ' merchant-reconcile-result--drift' : ''}`}>
          <Text className='merchant-row'>
            已核对会员 <Text className='merchant-reconcile-checked'>{result.checked}</Text> 人，差异 <Text className='merchant-reconcile-drifts'>{result.drifts.length}</Text> 条
          </Text>
          {result.drifts.slice(0, 20).map((d) => (
            <Text key={d.memberId} className='merchant-hint merchant-drift'>
              {d.memberId}：{d.problems.join('；')}
            </Text>
          ))}
        </View>
      ) : null}
      <ErrorText message={error} />
    </Section>
  )
}

// ------------------------------------------------------------------ POS 密钥

function mask(secret: string): string {
  return secret.length <= 8 ? '••••••••' : `${secret.slice(0, 4)}${'•'.repeat(12)}${secret.slice(-4)}`
}

const LOOKUP_BY: Record<AccessLogEntry['by'], string> = { member_code: '会员码', phone: '手机号' }

/** Who at the stores looked up which member, and how (PIPL: access to personal data is accountable). */
function AccessSection() {
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [more, setMore] = useState(false)
  const PAGE = 30

  const load = useCallback(async (before?: string) => {
    const res = await listAccessLog({ limit: PAGE, before })
    if (!res.ok) {
      setError(res.message)
      return
    }
    setEntries((cur) => (before && cur ? [...cur, ...res.data.entries] : res.data.entries))
    setMore(res.data.entries.length === PAGE)
  }, [])
  useEffect(() => void load(), [load])

  return (
    <Section className='merchant-access'>
      <Text className='merchant-hint'>店员每次识别会员（扫码或手机号）都会记录在此，会员导出个人数据时也可看到。</Text>
      <ErrorText message={error} />
      {entries === null && !error ? <Text className='merchant-status'>加载中…</Text> : null}
      <View className='merchant-access-list'>
        {entries && entries.length === 0 ? <Text className='merchant-empty'>暂无查询记录</Text> : null}
        {(entries ?? []).map((e) => (
          <View key={e._id} className='merchant-access-item'>
            <Text className='merchant-access-item__who'>
              {e.actor.name}
              {e.actor.storeId ? ` · ${e.actor.storeId}` : ''}
            </Text>
            <Text className='merchant-hint'>
              以{LOOKUP_BY[e.by]}识别会员 {e.memberId} · {when(e.at)}
            </Text>
          </View>
        ))}
      </View>
      {more && entries ? (
        <Button size='small' className='merchant-access-more' onClick={() => void load(entries[entries.length - 1].at)}>
          加载更多
        </Button>
      ) : null}
    </Section>
  )
}

function PosSection({ stores }: { stores: { id: string; name: string }[] }) {
  const [secrets, setSecrets] = useState<Record<string, PosSecret>>({})
  const [shown, setShown] = useState<Record<string, boolean>>({})
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    void (async () => {
      for (const s of stores) {
        const res = await getPosSecret(s.id)
        if (!alive) return
        if (res.ok) setSecrets((m) => ({ ...m, [s.id]: res.data }))
        else setError(res.message)
      }
    })()
    return () => {
      alive = false
    }
  }, [stores])

  return (
    <Section className='merchant-pos'>
      <Text className='merchant-hint'>POS 以 HMAC-SHA256 签名请求，请仅在门店收银系统中配置，勿外传。</Text>
      {stores.length === 0 ? <Text className='merchant-empty'>暂无门店</Text> : null}
      {stores.map((s) => {
        const secret = secrets[s.id]
        return (
          <View key={s.id} className={`merchant-pos-store merchant-pos-store--${s.id}`}>
            <Text className='merchant-pos-store__name'>
              {s.name}（{s.id}）
            </Text>
            <View className='merchant-row'>
              <Text className='merchant-pos-secret'>{secret ? (shown[s.id] ? secret.secret : mask(secret.secret)) : '加载中…'}</Text>
              <Button size='small' className='merchant-pos-toggle' disabled={!secret} onClick={() => setShown((m) => ({ ...m, [s.id]: !m[s.id] }))}>
                {shown[s.id] ? '隐藏' : '显示'}
              </Button>
            </View>
          </View>
        )
      })}
      <ErrorText message={error} />
    </Section>
  )
}

function Section({ className, children }: { className: string; children: ReactNode }) {
  return <View className={`merchant-section ${className}`}>{children}</View>
}
