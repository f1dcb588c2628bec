import { useCallback, useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { describeBenefits, type TierConfig } from '@shared/rules/tiers'
import { getTierConfig, updateTierConfig } from '@/api/member'
import { Button, Input } from '@/components/nutui'
import { confirmSave, ErrorText, Section, SectionLoading, wholeNumber } from './common'

export function TiersSection() {
  const [config, setConfig] = useState<TierConfig | null>(null)
  const [thresholds, setThresholds] = useState<string[]>([])
  const [multipliers, setMultipliers] = useState<string[]>([])
  /** member-day price in percent (95 = 9.5 折); empty = no member-day discount */
  const [discounts, setDiscounts] = useState<string[]>([])
  /** the birthday coupon template id; empty = none (nothing is promised) */
  const [birthday, setBirthday] = useState<string[]>([])
  /** free items as typed: "美式咖啡×1" per line, comma or 、 separated (name × times a month) */
  const [freeItems, setFreeItems] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const show = (c: TierConfig) => {
    setConfig(c)
    setThresholds(c.tiers.map((t) => String(t.threshold)))
    setMultipliers(c.tiers.map((t) => String(t.benefits.pointsMultiplier)))
    setDiscounts(c.tiers.map((t) => (t.benefits.memberDay ? String(t.benefits.memberDay.discountPercent) : '')))
    setBirthday(c.tiers.map((t) => t.benefits.birthdayCouponTemplateId ?? ''))
    setFreeItems(c.tiers.map((t) => t.benefits.freeItems.map((f) => `${f.name}×${f.perMonth}`).join('、')))
  }
  const load = useCallback(async () => {
    const res = await getTierConfig()
    if (res.ok) show(res.data.config)
    else setError(res.message)
  }, [])
  useEffect(() => void load(), [load])

  if (!config)
    return (
      <Section className='merchant-tiers'>
        <SectionLoading error={error} />
      </Section>
    )

  const save = async () => {
    setError(null)
    setSaved(null)
    const tiers = []
    for (let i = 0; i < config.tiers.length; i += 1) {
      const threshold = wholeNumber(thresholds[i] ?? '')
      const multiplier = Number(multipliers[i])
      if (threshold === null) return setError(`${config.tiers[i].name}的门槛应为整数成长值`)
      if (!(multiplier >= 1 && multiplier <= 10)) return setError(`${config.tiers[i].name}的积分倍率应在 1–10 之间`)
      const discountText = (discounts[i] ?? '').trim()
      const discount = discountText ? wholeNumber(discountText) : null
      if (discountText && (discount === null || discount < 50 || discount > 99))
        return setError(`${config.tiers[i].name}的会员日折扣请填 50–99（95 即 9.5 折），不打折请留空`)
      const template = (birthday[i] ?? '').trim()
      const items = []
      for (const part of (freeItems[i] ?? '')
        .split(/[、,，]/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^(.{1,12}?)\s*[×xX*]\s*(\d{1,2})$/.exec(part)
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 31) return setError(`${config.tiers[i].name}的赠品请写成「美式咖啡×1」（每月次数 1–31）`)
        items.push({ name: m[1], perMonth: Number(m[2]) })
      }
      tiers.push({
        ...config.tiers[i],
        threshold,
        benefits: {
          ...config.tiers[i].benefits,
          pointsMultiplier: multiplier,
          memberDay: discount === null ? null : { discountPercent: discount },
          birthdayCouponTemplateId: template || null,
          freeItems: items,
        },
      })
    }
    // The ladder moves members between tiers at the next review: say what changes and ask first (issue 26 item 4).
    const ladder = tiers.map((t) => `${t.name} ${t.threshold} 成长值 ×${t.benefits.pointsMultiplier}`).join('；')
    if (!(await confirmSave('保存等级设置', `保存为第 ${config.version + 1} 版：${ladder}。会员的等级将按新门槛重新评定，权益随之变化。`))) return
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
          <Text className='merchant-col'>会员日折扣 %</Text>
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
            <View className={`merchant-col merchant-field merchant-tier-discount merchant-tier-discount--${t.id}`}>
              <Input
                type='number'
                placeholder='不打折'
                value={discounts[i] ?? ''}
                onChange={(v) => setDiscounts((xs) => xs.map((x, k) => (k === i ? v : x)))}
              />
            </View>
          </View>
        ))}
      </View>
      <Text className='merchant-hint'>生日礼券模板、每月赠品（如「美式咖啡×1」，店员在会员信息中看到）与会员看到的权益；留空则不提供、不展示：</Text>
      <View className='merchant-table'>
        {config.tiers.map((t, i) => (
          <View key={t.id} className={`merchant-table__row merchant-tier-benefits merchant-tier-benefits--${t.id}`}>
            <Text className='merchant-col merchant-col--name' style={{ color: t.color }}>
              {t.name}
            </Text>
            <View className={`merchant-col merchant-field merchant-tier-birthday--${t.id}`}>
              <Input placeholder='券模板编号' value={birthday[i] ?? ''} onChange={(v) => setBirthday((xs) => xs.map((x, k) => (k === i ? v : x)))} />
            </View>
            <View className={`merchant-col merchant-field merchant-tier-free--${t.id}`}>
              <Input placeholder='赠品×次/月' value={freeItems[i] ?? ''} onChange={(v) => setFreeItems((xs) => xs.map((x, k) => (k === i ? v : x)))} />
            </View>
            <Text className='merchant-col merchant-hint'>{describeBenefits(t.benefits).join('、')}</Text>
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
