import { View, Text } from '@tarojs/components'
import { RFM_SEGMENTS } from '@shared/rules/rfm'
import { Checkbox, Input } from '@/components/nutui'
import { Radio } from '../components/kit'
import type { FilterDraft } from './filter'

export interface FilterOptions {
  tiers: { id: string; name: string }[]
  tags: string[]
  stores: { id: string; name: string }[]
}

const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1))

/** Several of a list (any of; for tags: all of), as NutUI button checkboxes. */
function Choices({
  cls,
  label,
  options,
  value,
  onChange,
}: {
  cls: string
  label: string
  options: { value: string; label: string }[]
  value: string[]
  onChange: (v: string[]) => void
}) {
  if (options.length === 0) return null
  return (
    <View className={`merchant-filter__row ${cls}`}>
      <Text className='merchant-label'>{label}</Text>
      <Checkbox.Group direction='horizontal' value={value} onChange={onChange}>
        {options.map((o) => (
          <Checkbox key={o.value} className={`${cls}-option ${cls}-option--${o.value}`} shape='button' value={o.value} label={o.label} />
        ))}
      </Checkbox.Group>
    </View>
  )
}

function RangeRow(props: { cls: string; label: string; min: string; max: string; unit: string; onMin: (v: string) => void; onMax: (v: string) => void }) {
  return (
    <View className={`merchant-filter__row ${props.cls}`}>
      <Text className='merchant-label'>{props.label}</Text>
      <View className='merchant-filter__range'>
        <View className={`merchant-field ${props.cls}-min`}>
          <Input type='number' placeholder='不限' value={props.min} onChange={props.onMin} />
        </View>
        <Text>至</Text>
        <View className={`merchant-field ${props.cls}-max`}>
          <Input type='number' placeholder='不限' value={props.max} onChange={props.onMax} />
        </View>
        <Text className='merchant-hint'>{props.unit}</Text>
      </View>
    </View>
  )
}

/**
 * The segment filter's every key, as the member list and the segment builder both edit it: tiers,
 * tags (all of), RFM segments, stores, interests, days since the last purchase, points balance,
 * birthday month and registration dates.
 */
export function FilterForm({ draft, options, onChange }: { draft: FilterDraft; options: FilterOptions; onChange: (d: FilterDraft) => void }) {
  const set = <K extends keyof FilterDraft>(key: K, v: FilterDraft[K]) => onChange({ ...draft, [key]: v })
  return (
    <View className='merchant-filter'>
      <Choices
        cls='merchant-filter-tiers'
        label='等级（任一）'
        options={options.tiers.map((t) => ({ value: t.id, label: t.name }))}
        value={draft.tierIds}
        onChange={(v) => set('tierIds', v)}
      />
      <Choices
        cls='merchant-filter-tags'
        label='标签（同时具有）'
        options={options.tags.map((t) => ({ value: t, label: t }))}
        value={draft.tags}
        onChange={(v) => set('tags', v)}
      />
      <Choices
        cls='merchant-filter-rfm'
        label='RFM 分群（任一）'
        options={RFM_SEGMENTS.map((s) => ({ value: s, label: s }))}
        value={draft.rfmSegments}
        onChange={(v) => set('rfmSegments', v)}
      />
      <Choices
        cls='merchant-filter-stores'
        label='消费门店（任一）'
        options={options.stores.map((s) => ({ value: s.id, label: s.name }))}
        value={draft.storeIds}
        onChange={(v) => set('storeIds', v)}
      />
      <RangeRow
        cls='merchant-filter-days'
        label='距上次消费'
        min={draft.daysMin}
        max={draft.daysMax}
        unit='天'
        onMin={(v) => set('daysMin', v)}
        onMax={(v) => set('daysMax', v)}
      />
      <RangeRow
        cls='merchant-filter-points'
        label='积分余额'
        min={draft.pointsMin}
        max={draft.pointsMax}
        unit='分'
        onMin={(v) => set('pointsMin', v)}
        onMax={(v) => set('pointsMax', v)}
      />
      <View className='merchant-filter__row merchant-filter-birthday'>
        <Text className='merchant-label'>生日月份</Text>
        <Radio.Group direction='horizontal' shape='button' value={draft.birthdayMonth} onChange={(v) => set('birthdayMonth', String(v))}>
          <Radio className='merchant-filter-birthday-option--any' shape='button' value=''>
            不限
          </Radio>
          {MONTHS.map((m) => (
            <Radio key={m} className={`merchant-filter-birthday-option--${m}`} shape='button' value={m}>
              {m}月
            </Radio>
          ))}
        </Radio.Group>
      </View>
      <View className='merchant-filter__row merchant-filter-interests'>
        <Text className='merchant-label'>兴趣偏好（任一，用顿号分隔）</Text>
        <View className='merchant-field merchant-filter-interests-input'>
          <Input placeholder='如：咖啡、甜点' value={draft.interests} onChange={(v) => set('interests', v)} />
        </View>
      </View>
      <View className='merchant-filter__row merchant-filter-registered'>
        <Text className='merchant-label'>注册日期</Text>
        <View className='merchant-filter__range'>
          <View className='merchant-field merchant-filter-registered-from'>
            <Input placeholder='2026-01-01' value={draft.registeredFrom} onChange={(v) => set('registeredFrom', v)} />
          </View>
          <Text>至</Text>
          <View className='merchant-field merchant-filter-registered-to'>
            <Input placeholder='2026-12-31' value={draft.registeredTo} onChange={(v) => set('registeredTo', v)} />
          </View>
        </View>
      </View>
    </View>
  )
}
