/**
 * The one UI kit: NutUI React Taro. Each component used by the app is listed here once, with its
 * stylesheet (NutUI's documented on-demand style import), so pages import from `@/components/nutui`.
 * NutUI is drawn at a 375 design width; `config/index.ts` gives its files that width.
 */
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/input/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/progress/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/popup/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/checkbox/style/css'

export { Button, Checkbox, Input, Popup, Progress } from '@nutui/nutui-react-taro'
