import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { Tabs } from './kit'
import { SECTIONS } from '../sections'
import { areaById } from '../areas'
import { ConsoleShell } from './ConsoleShell'

/**
 * An area of the console made of existing sections: one section as the page, several as NutUI tabs
 * (each tab keeps the `merchant-tab-<section>` class the console's tests know it by).
 */
export function AreaPage({ areaId }: { areaId: string }) {
  const area = areaById(areaId)
  const sections = area.sections.map((id) => {
    const s = SECTIONS.find((x) => x.id === id)
    if (!s) throw new Error(`unknown console section ${id}`)
    return s
  })
  const [active, setActive] = useState(sections[0].id)
  const section = sections.find((s) => s.id === active) ?? sections[0]
  return (
    <ConsoleShell area={area}>
      {(role) => (
        <View className='merchant-area'>
          {sections.length > 1 ? (
            <Tabs
              className='merchant-area-tabs'
              value={section.id}
              activeType='line'
              onChange={(v) => setActive(String(v))}
              title={() =>
                sections.map((s) => (
                  <View
                    key={s.id}
                    className={`nut-tabs-titles-item merchant-tab merchant-tab-${s.id}${s.id === section.id ? ' nut-tabs-titles-item-active merchant-tab--active' : ''}`}
                    onClick={() => setActive(s.id)}
                  >
                    <View className='nut-tabs-titles-item-line nut-tabs-titles-item-line-horizontal' />
                    <Text className='nut-tabs-titles-item-text'>{s.label}</Text>
                  </View>
                ))
              }
            />
          ) : null}
          <section.Component role={role} />
        </View>
      )}
    </ConsoleShell>
  )
}
