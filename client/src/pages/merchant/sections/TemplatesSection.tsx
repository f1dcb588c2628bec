import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { MessagePurpose } from '@shared/contracts/marketing'
import { kindOfKey, type FieldKind } from '@shared/rules/message-fields'
import { listMessageTemplates, registerMessageTemplate } from '@/api/marketing'
import { Button, Input } from '@/components/nutui'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { confirmSave, ErrorText, Section, SectionLoading } from './common'

const PURPOSE_TEXT: Record<MessagePurpose, string> = {
  checkin_reminder: '签到提醒',
  points_expiry: '积分到期',
  coupon_expiry: '优惠券到期',
  birthday: '生日祝福',
  dormancy: '沉睡唤醒',
  repurchase: '复购提醒',
  invitation: '邀请有礼',
  campaign: '营销活动',
}
/** every purpose (the record is total over them) */
const PURPOSES = Object.keys(PURPOSE_TEXT) as MessagePurpose[]

const KIND_TEXT: Record<FieldKind, string> = {
  thing: '事物（≤20 字）',
  number: '数字',
  letter: '字母',
  symbol: '符号',
  character_string: '字符串',
  time: '时间',
  date: '日期',
  amount: '金额',
  phone_number: '电话',
  car_number: '车牌',
  name: '姓名',
  phrase: '汉字词（≤5 字）',
}

/** "thing1 活动名称" per line (the key as WeChat's template shows it, then what it says): the fields, or a message. */
function parseFields(text: string): { key: string; label: string }[] | string {
  const fields: { key: string; label: string }[] = []
  for (const line of text
    .split(/[\n;；]/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+\d+)(?:\.DATA)?\s*[:：\s]\s*(.{1,20})$/.exec(line)
    if (!m || !kindOfKey(m[1])) return `「${line}」应写成「thing1 活动名称」：字段名为 WeChat 的类型加序号`
    if (fields.some((f) => f.key === m[1])) return `字段 ${m[1]} 重复了`
    fields.push({ key: m[1], label: m[2].trim() })
  }
  if (fields.length === 0) return '请至少填写一个字段'
  if (fields.length > 10) return '最多 10 个字段'
  return fields
}

/** 订阅消息: the registered subscribe-message templates, and registering one (template id, title, fields, purpose). */
export function TemplatesSection() {
  const templates = useRemote(() => listMessageTemplates(), [])
  const [templateId, setTemplateId] = useState('')
  const [title, setTitle] = useState('')
  const [fieldsText, setFieldsText] = useState('')
  const [page, setPage] = useState('')
  const [purpose, setPurpose] = useState<MessagePurpose>('checkin_reminder')
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const register = async () => {
    setError(null)
    setSaved(null)
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(templateId.trim())) return setError('模板 ID 应为 8–64 位字母、数字、下划线或短横线（公众平台「我的模板」中复制）')
    if (!title.trim() || title.trim().length > 40) return setError('请填写模板标题（≤40 字）')
    const fields = parseFields(fieldsText)
    if (typeof fields === 'string') return setError(fields)
    const replaces = templates.state.status === 'ready' && templates.state.data.some((t) => t.templateId === templateId.trim())
    const summary = `${PURPOSE_TEXT[purpose]}：${title.trim()}（${fields.map((f) => `${f.key} ${f.label}`).join('、')}）`
    if (!(await confirmSave(replaces ? '替换已登记的模板' : '登记订阅消息模板', summary))) return
    setSaving(true)
    const res = await registerMessageTemplate({
      templateId: templateId.trim(),
      title: title.trim(),
      purpose,
      fields,
      ...(page.trim() ? { page: page.trim() } : {}),
    })
    setSaving(false)
    if (!res.ok) return setError(res.message)
    setSaved(`已登记「${res.data.title}」`)
    setTemplateId('')
    setTitle('')
    setFieldsText('')
    setPage('')
    void templates.reload({ quiet: true })
  }

  return (
    <Section className='merchant-templates'>
      {templates.state.status === 'ready' ? (
        <View className='merchant-templates-list'>
          {templates.state.data.length === 0 ? <Text className='merchant-empty'>尚未登记模板：未登记用途的提醒不会发送</Text> : null}
          {templates.state.data.map((t) => (
            <View key={t.templateId} className='merchant-access-item merchant-template'>
              <Text className='merchant-access-item__who'>
                {PURPOSE_TEXT[t.purpose]} · {t.title}
                {t.active ? '' : '（已停用）'}
              </Text>
              <Text className='merchant-hint'>{t.templateId}</Text>
              <Text className='merchant-hint'>{t.fields.map((f) => `${f.label}：${KIND_TEXT[kindOfKey(f.key) ?? 'thing']}`).join('；')}</Text>
              <Text className='merchant-hint'>
                {t.page ? `打开 ${t.page} · ` : ''}更新于 {dateTime(t.updatedAt)}
              </Text>
            </View>
          ))}
        </View>
      ) : (
        <SectionLoading error={templates.state.status === 'error' ? templates.state.message : null} />
      )}

      <Text className='merchant-row merchant-label'>登记模板</Text>
      <View className='merchant-fraud-item__actions merchant-template-purpose'>
        {PURPOSES.map((p) => (
          <Button key={p} size='small' type={purpose === p ? 'primary' : 'default'} onClick={() => setPurpose(p)}>
            {PURPOSE_TEXT[p]}
          </Button>
        ))}
      </View>
      {(
        [
          ['模板 ID', templateId, setTemplateId, 'merchant-template-id', ''],
          ['标题', title, setTitle, 'merchant-template-title', '如：签到提醒'],
          ['字段', fieldsText, setFieldsText, 'merchant-template-fields', 'thing1 活动名称；date2 日期'],
          ['点击打开页面（选填）', page, setPage, 'merchant-template-page', 'pages/checkin/index'],
        ] as [string, string, (v: string) => void, string, string][]
      ).map(([label, v, set, cls, placeholder]) => (
        <View key={cls} className='merchant-row'>
          <Text className='merchant-label'>{label}</Text>
          <View className={`merchant-field ${cls}`}>
            <Input value={v} placeholder={placeholder} onChange={(x) => set(x)} />
          </View>
        </View>
      ))}
      <Text className='merchant-hint'>
        字段按模板详情填写，每个写成「thing1 活动名称」，用分号隔开；发送前按类型检查（事物 ≤20 字、汉字词 ≤5 字、金额、日期…）
      </Text>
      <Button className='merchant-template-register' type='primary' loading={saving} disabled={saving} onClick={() => void register()}>
        登记
      </Button>
      <ErrorText message={error} />
      {saved ? <Text className='merchant-saved'>{saved}</Text> : null}
    </Section>
  )
}
