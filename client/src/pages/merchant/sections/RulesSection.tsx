import { useCallback, useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { EarningRules } from '@shared/schemas/points'
import { getRules, updateRules } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import { ErrorText, Section, SectionLoading, wholeNumber } from './common'

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

function describeMemberDay(r: EarningRules): string {
  const d = r.memberDay
  if (d.kind === 'none') return '无'
  if (d.kind === 'weekly') return `每周${WEEKDAYS[d.weekday]} ×${d.multiplier}`
  return `每月 ${d.day} 日 ×${d.multiplier}`
}

function describeExpiry(r: EarningRules): string {
  return r.expiry.kind === 'rolling' ? `获得后 ${r.expiry.months} 个月` : '次年年底'
}

export function RulesSection() {
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

  if (!data)
    return (
      <Section className='merchant-rules'>
        <SectionLoading error={error} />
      </Section>
    )
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
