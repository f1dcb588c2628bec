import { View, Text } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect } from 'react'
import { MEMBERSHIP_TERMS, PRIVACY_POLICY } from './texts'
import './index.scss'

/** The privacy policy (`?doc=privacy`) or the membership terms (`?doc=terms`), readable before 开卡. */
export default function LegalPage() {
  const doc = useRouter().params.doc === 'terms' ? MEMBERSHIP_TERMS : PRIVACY_POLICY
  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: doc.title })
  }, [doc])
  return (
    <View className={`legal-page legal-page--${doc === MEMBERSHIP_TERMS ? 'terms' : 'privacy'}`}>
      <Text className='legal-title'>{doc.title}</Text>
      <Text className='legal-version'>版本 {doc.version}</Text>
      {doc.sections.map((s) => (
        <View key={s.heading} className='legal-section'>
          <Text className='legal-heading'>{s.heading}</Text>
          {s.paragraphs.map((p) => (
            <Text key={p} className='legal-paragraph'>
              {p}
            </Text>
          ))}
        </View>
      ))}
    </View>
  )
}
