import { useCallback, useState } from 'react'
import { View, Text, Input as NativeInput } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import type { ProfileView } from '@shared/schemas/member'
import { acceptPrivacy, bindPhone, deleteAccount, getProfile, setBirthday, updateProfile } from '@/api/member'
import { Button, Cell, Picker, Popup } from '@/components/nutui'
import { useConfirm } from '@/components/Confirm'
import { PageStatus } from '@/components/PageStatus'
import { PageToast, toast } from '@/components/PageToast'
import { EXPORT_CHOICES, exportMyDataFile, savedText } from '@/lib/data-export'
import { PhoneButton } from '@/components/PhoneButton'
import { AvatarButton } from '@/components/AvatarButton'
import { NotAMember } from '@/components/NotAMember'
import { calendarDate } from '@/format'
import { go, restart } from '@/navigation'
import './index.scss'

const GENDERS = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
  { value: 'unknown', label: '不透露' },
] as const

/** Days the picker offers for a month: no 2月31日 (29 February only when the year allows it or is not given). */
export function daysIn(month: number, year?: number): number {
  if (month === 2) return year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
/** The birthday picker's columns: each month offers only its own days (29 February: the year may be unknown). */
const BIRTHDAY_OPTIONS = Array.from({ length: 12 }, (_, m) => ({
  label: `${m + 1} 月`,
  value: m + 1,
  children: Array.from({ length: daysIn(m + 1) }, (_, d) => ({ label: `${d + 1} 日`, value: d + 1 })),
}))

/** The birth year as typed: empty is fine (optional); otherwise a sentence saying what is wrong. */
export function checkBirthYear(text: string, now = new Date()): { year?: number; error?: string } {
  const t = text.trim()
  if (!t) return {}
  if (!/^\d{4}$/.test(t)) return { error: '出生年份请填写 4 位数字，例如 1990' }
  const year = Number(t)
  const thisYear = now.getFullYear()
  if (year < 1900) return { error: '出生年份不能早于 1900 年' }
  if (year > thisYear) return { error: `出生年份不能晚于 ${thisYear} 年` }
  return { year }
}

export default function ProfilePage() {
  const [profile, setProfile] = useState<ProfileView | null>(null)
  const [error, setError] = useState<{ code: string; message: string } | null>(null)
  const [picking, setPicking] = useState(false)
  const { confirm, confirmDialog } = useConfirm()
  const [nickname, setNickname] = useState('')
  const [md, setMd] = useState<[number, number] | null>(null)
  const [year, setYear] = useState('')
  const [exported, setExported] = useState<string | null>(null)
  const [exportOpen, setExportOpen] = useState(false)
  const [notMember, setNotMember] = useState(false)
  const [birthdayError, setBirthdayError] = useState<string | null>(null)

  const show = (p: ProfileView) => {
    setProfile(p)
    setNickname(p.nickname)
    if (p.birthday) {
      setMd([p.birthday.month - 1, p.birthday.day - 1])
      setYear(p.birthday.year ? String(p.birthday.year) : '')
    }
  }

  const load = useCallback(async () => {
    const res = await getProfile()
    if (res.ok) show(res.data)
    else if (res.code === 'NOT_A_MEMBER') setNotMember(true)
    else setError({ code: res.code, message: res.message })
  }, [])
  useDidShow(() => void load())

  if (notMember) return <NotAMember />
  if (!profile) {
    return (
      <View className='profile-page'>
        {error ? (
          <PageStatus status='error' code={error.code} message={error.message} onRetry={() => void load()} className='profile-status' />
        ) : (
          <PageStatus status='loading' className='profile-status' />
        )}
      </View>
    )
  }

  const saveNickname = async (value: string) => {
    const v = value.trim()
    if (!v) {
      toast('昵称不能为空')
      setNickname(profile.nickname)
      return
    }
    if (v === profile.nickname) return
    const res = await updateProfile({ nickname: v })
    if (res.ok) show(res.data)
    else toast(res.message)
  }

  const saveBirthday = async () => {
    const checked = checkBirthYear(year)
    if (checked.error) return setBirthdayError(checked.error)
    if (!md) return setBirthdayError('请先选择生日日期')
    const y = checked.year
    if (md[1] + 1 > daysIn(md[0] + 1, y)) return setBirthdayError(`${y} 年 ${md[0] + 1} 月没有 ${md[1] + 1} 日`)
    setBirthdayError(null)
    // It locks the birthday for a year: say so, and what is being saved, before saving.
    const sure = await confirm({
      title: '保存生日',
      content: `生日将保存为 ${md[0] + 1} 月 ${md[1] + 1} 日${y === undefined ? '' : `（${y} 年）`}，生日礼券按此日期发放。保存后一年内不能再修改，确定保存？`,
      confirmText: '确定保存',
      className: 'profile-birthday-confirm',
    })
    if (!sure) return
    const res = await setBirthday(y === undefined ? { month: md[0] + 1, day: md[1] + 1 } : { month: md[0] + 1, day: md[1] + 1, year: y })
    if (res.ok) {
      show(res.data)
      toast('生日已保存')
    } else setBirthdayError(res.message)
  }

  const onPhoneCode = async (code: string) => {
    const res = await bindPhone(code)
    if (res.ok) await load()
    else toast(res.message)
  }

  const onAccept = async () => {
    const res = await acceptPrivacy(profile.privacy.currentVersion)
    if (res.ok) await load()
    else toast(res.message)
  }

  const onExport = async (kind: (typeof EXPORT_CHOICES)[number]['kind']) => {
    setExportOpen(false)
    const saved = await exportMyDataFile(kind)
    toast(savedText(saved))
    setExported(saved.ok ? (saved.preview ?? null) : null)
  }

  const onDelete = async () => {
    const sure = await confirm({
      title: '注销会员',
      content: '注销后昵称、头像、手机号、生日将被清除，积分作废、未使用的券失效，且无法恢复。确定注销？',
      confirmText: '注销',
      className: 'mydata-delete-confirm',
    })
    if (!sure) return
    const res = await deleteAccount()
    if (res.ok) restart('/pages/farewell/index')
    else toast(res.message)
  }

  const birthdayLocked = profile.birthdayChangeableAt !== null
  return (
    <View className='profile-page'>
      <PageToast />
      {confirmDialog}
      <Picker
        className='profile-birthday-picker'
        title='选择生日'
        visible={picking}
        options={[BIRTHDAY_OPTIONS]}
        value={md ? [md[0] + 1, md[1] + 1] : [1, 1]}
        onConfirm={(_options, values) => {
          setMd([Number(values[0]) - 1, Number(values[1]) - 1])
          setBirthdayError(null)
        }}
        onClose={() => setPicking(false)}
        onCancel={() => setPicking(false)}
      />
      <View className='profile-section'>
        <Cell className='profile-row'>
          <Text className='profile-label'>头像</Text>
          <AvatarButton
            avatarUrl={profile.avatarUrl}
            nickname={profile.nickname}
            memberId={profile.memberId}
            onUploaded={(fileId) => void updateProfile({ avatarUrl: fileId }).then((r) => (r.ok ? show(r.data) : toast(r.message)))}
          />
        </Cell>
        <Cell className='profile-row'>
          <Text className='profile-label'>昵称</Text>
          <NativeInput
            className='profile-input profile-nickname'
            type='nickname'
            value={nickname}
            maxlength={32}
            onInput={(e) => setNickname(e.detail.value)}
            onBlur={(e) => void saveNickname(e.detail.value)}
            onConfirm={(e) => void saveNickname(e.detail.value)}
          />
        </Cell>
        <Cell className='profile-row'>
          <Text className='profile-label'>性别</Text>
          <View className='profile-genders'>
            {GENDERS.map((g) => (
              <Text
                key={g.value}
                className={`profile-gender profile-gender-${g.value}${profile.gender === g.value ? ' profile-gender--on' : ''}`}
                onClick={() => void updateProfile({ gender: g.value }).then((r) => (r.ok ? show(r.data) : toast(r.message)))}
              >
                {g.label}
              </Text>
            ))}
          </View>
        </Cell>
        <Cell className='profile-row'>
          <Text className='profile-label'>手机号</Text>
          <Text className='profile-value profile-phone'>{profile.phone ?? '未绑定'}</Text>
          <PhoneButton label={profile.phone ? '更换' : '绑定'} onCode={(code) => void onPhoneCode(code)} />
        </Cell>
      </View>

      <View className='profile-section'>
        <Text className='profile-section__title'>生日</Text>
        <Cell className='profile-row'>
          <Text className='profile-label'>日期</Text>
          <View className='profile-picker' onClick={() => (birthdayLocked ? undefined : setPicking(true))}>
            <Text className={`profile-value profile-birthday${birthdayLocked ? ' profile-value--locked' : ''}${md ? '' : ' profile-value--unset'}`}>
              {md ? `${md[0] + 1} 月 ${md[1] + 1} 日` : '未设置'}
            </Text>
          </View>
        </Cell>
        <Cell className='profile-row'>
          <Text className='profile-label'>年份</Text>
          <NativeInput
            className='profile-input profile-birth-year'
            type='number'
            placeholder='选填，如 1990'
            value={year}
            disabled={birthdayLocked}
            maxlength={4}
            onInput={(e) => setYear(e.detail.value)}
          />
        </Cell>
        {birthdayError ? <Text className='profile-error profile-birthday-error'>{birthdayError}</Text> : null}
        {birthdayLocked ? (
          <Text className='profile-note'>生日一年内只能修改一次，{calendarDate(profile.birthdayChangeableAt)} 后可再次修改</Text>
        ) : (
          <View className='profile-section__footer'>
            <Text className='profile-note'>生日用于发放生日礼券，保存后一年内只能修改一次</Text>
            <Button className='profile-save-birthday' size='small' type='primary' onClick={() => void saveBirthday()}>
              保存生日
            </Button>
          </View>
        )}
      </View>

      <View className='profile-section'>
        <Text className='profile-section__title'>隐私政策</Text>
        <View className='profile-docs'>
          <Text className='profile-doc' onClick={() => go('/pages/legal/index?doc=privacy')}>
            查看《隐私政策》
          </Text>
          <Text className='profile-doc' onClick={() => go('/pages/legal/index?doc=terms')}>
            查看《会员服务协议》
          </Text>
        </View>
        {profile.privacy.accepted ? (
          <Text className='profile-note privacy-accepted'>
            已同意《隐私政策》{profile.privacy.currentVersion} 版（{calendarDate(profile.privacy.acceptedAt)}）
          </Text>
        ) : (
          <View>
            <Text className='profile-note'>
              {profile.privacy.acceptedVersion ? '《隐私政策》已更新：' : '我们只收集提供会员服务所需的最少信息；手机号加密保存，仅您本人可见完整号码。'}
            </Text>
            {profile.privacy.changes.map((c) => (
              <Text key={c} className='profile-note privacy-change'>
                · {c}
              </Text>
            ))}
            <View className='profile-section__footer'>
              <Button className='privacy-accept' size='small' type='primary' onClick={() => void onAccept()}>
                同意《隐私政策》{profile.privacy.currentVersion} 版
              </Button>
            </View>
          </View>
        )}
      </View>

      <View className='profile-section'>
        <Text className='profile-section__title'>我的数据</Text>
        <View className='profile-actions'>
          <Button className='mydata-export' size='small' onClick={() => setExportOpen(true)}>
            导出我的数据
          </Button>
          <Button className='mydata-delete' size='small' type='danger' onClick={() => void onDelete()}>
            注销会员
          </Button>
        </View>
        <Popup visible={exportOpen} position='bottom' round title='导出我的数据' onClose={() => setExportOpen(false)}>
          <View className='mydata-choices'>
            {EXPORT_CHOICES.map((c) => (
              <Button key={c.kind} className={`mydata-choice mydata-choice--${c.kind}`} block onClick={() => void onExport(c.kind)}>
                {c.label}
              </Button>
            ))}
          </View>
        </Popup>
        {exported ? (
          <Text className='mydata-json' userSelect>
            {exported}
          </Text>
        ) : null}
      </View>
    </View>
  )
}
