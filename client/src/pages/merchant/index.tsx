import { View, Text } from '@tarojs/components'
import { Grid } from './components/kit'
import { go } from '@/navigation'
import { AREAS } from './areas'
import { ConsoleShell } from './components/ConsoleShell'
import './index.scss'

/**
 * 商家后台's home: every area of the console as a tile (a page each, in the merchant subpackage). On a
 * desktop browser the side menu beside it leads to the same pages.
 */
export default function MerchantPage() {
  return (
    <ConsoleShell area={null}>
      {() => (
        <View className='merchant-home-body'>
          <Text className='merchant-hint'>选择要管理的内容</Text>
          <Grid className='merchant-home-grid' columns={2} gap={8} square={false}>
            {AREAS.map((a) => (
              <Grid.Item key={a.id} className={`merchant-area-tile merchant-area-${a.id}`} onClick={() => go(`/${a.path}`)}>
                <Text className='merchant-area-tile__label'>{a.label}</Text>
                <Text className='merchant-area-tile__hint'>{a.hint}</Text>
              </Grid.Item>
            ))}
          </Grid>
        </View>
      )}
    </ConsoleShell>
  )
}
