import { useCallback, useState } from 'react'
import { View, Text, Picker, Input as NativeInput } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { ProfileView } from '@shared/schemas/member'
import { acceptPrivacy, bindPhone, deleteAccount, exportMyData, getProfile, setBirthday, updateProfile } from '@/api/member'
import { Button } from '@/components/nutui'
import { PhoneButton } from '@/components/PhoneButton'
import { AvatarButton } from '@/components/AvatarButton'
import './index.scss'

const GENDERS = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
  { value: 'unknown', label: '不透露' },
] as const
const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1} 月`)
const DAYS = Array.from({ length: 31 }, (_, i) => `${i + 1} 日`)

function toast(title: string) {
  void Taro.showToast({ title, icon: 'none' })
}

export default function ProfilePage() {
  const [profile, setProfile] = useState<ProfileView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [nickname, setNickname] = useState('')
  const [md, setMd] = useState<[number, number]>([0, 0])
  const [year, setYear] = useState('')
  const [exported, setExported] = useState<string | null>(null)

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
    else setError(res.message)
  }, [])
  useDidShow(() => void load())

  if (!profile) {
    return (
      <View className='profile-page'>
        <Text className='profile-status'>{error ?? '加载中…'}</Text>
      </View>
    )
  }

  const saveNickname = async (value: string) => {
    const v = value.trim()
    if (!v || v === profile.nickname) return
    const res = await updateProfile({ nickname: v })
    if (res.ok) show(res.data)
    else toast(res.message)
  }

  const saveBirthday = async () => {
    const y = year.trim() ? Number(year.trim()) : undefined
    const res = await setBirthday(y === undefined ? { month: md[0] + 1, day: md[1] + 1 } : { month: md[0] + 1, day: md[1] + 1, year: y })
    if (res.ok) {
      show(res.data)
      toast('生日已保存')
    } else toast(res.message)
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

  const onExport = async () => {
    const res = await exportMyData()
    if (res.ok) setExported(JSON.stringify(res.data, null, 2))
    else toast(res.message)
  }

  const onDelete = async () => {
    const confirm = await Taro.showModal({ title: '注销会员', content: '注销后昵称、头像、手机号、生日将被清除，积分作废、未使用的券失效，且无法恢复。确定注销？', confirmText: '注销', confirmColor: '#d4380d' })
    if (!confirm.confirm) return
    const res = await deleteAccount()
    if (res.ok) {
      toast('已注销')
      void Taro.reLaunch({ url: '/pages/index/index' })
    } else toast(res.message)
  }

  const birthdayLocked = profile.birthdayChangeableAt !== null
  return (
    <View className='profile-page'>
      <View className='profile-section'>
        <View className='profile-row'>
          <Text className='profile-label'>头像</Text>
          <AvatarButton avatarUrl={profile.avatarUrl} nickname={profile.nickname} memberId={profile.memberId} onUploaded={(fileId) => void updateProfile({ avatarUrl: fileId }).then((r) => (r.ok ? show(r.data) : toast(r.message)))} />
        </View>
        <View className='profile-row'>
          <Text className='profile-label'>昵称</Text>
          <NativeInput className='profile-input profile-nickname' type='nickname' value={nickname} maxlength={32} onInput={(e) => setNickname(e.detail.value)} onBlur={(e) => void saveNickname(e.detail.value)} onConfirm={(e) => void saveNickname(e.detail.value)} />
        </View>
        <View className='profile-row'>
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
        </View>
        <View className='profile-row'>
          <Text className='profile-label'>手机号</Text>
          <Text className='profile-value profile-phone'>{profile.phone ?? '未绑定'}</Text>
          <PhoneButton label={profile.phone ? '更换' : '绑定'} onCode={(code) => void onPhoneCode(code)} />
        </View>
      </View>

      <View className='profile-section'>
        <Text className='profile-section__title'>生日</Text>
        <View className='profile-row'>
          <Text className='profile-label'>日期</Text>
          <Picker className='profile-picker' mode='multiSelector' range={[MONTHS, DAYS]} value={md} disabled={birthdayLocked} onChange={(e) => setMd(e.detail.value as [number, number])}>
            <Text className={`profile-value profile-birthday${birthdayLocked ? ' profile-value--locked' : ''}`}>{`${md[0] + 1} 月 ${md[1] + 1} 日`}</Text>
          </Picker>
        </View>
        <View className='profile-row'>
          <Text className='profile-label'>年份</Text>
          <NativeInput className='profile-input profile-birth-year' type='number' placeholder='选填，如 1990' value={year} disabled={birthdayLocked} maxlength={4} onInput={(e) => setYear(e.detail.value)} />
        </View>
        {birthdayLocked ? (
          <Text className='profile-note'>生日一年内只能修改一次，{(profile.birthdayChangeableAt ?? '').slice(0, 10)} 后可再次修改</Text>
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
        {profile.privacy.accepted ? (
          <Text className='profile-note privacy-accepted'>已同意《隐私政策》{profile.privacy.currentVersion} 版（{(profile.privacy.acceptedAt ?? '').slice(0, 10)}）</Text>
        ) : (
          <View>
            <Text className='profile-note'>我们只收集提供会员服务所需的最少信息；手机号加密保存，仅您本人可见完整号码。</Text>
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
          <Button className='mydata-export' size='small' onClick={() => void onExport()}>
            导出我的数据
          </Button>
          <Button className='mydata-delete' size='small' type='danger' onClick={() => void onDelete()}>
            注销会员
          </Button>
        </View>
        {exported ? <Text className='mydata-json' userSelect>{exported}</Text> : null}
      </View>
    </View>
  )
}
