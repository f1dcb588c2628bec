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

// The mall's (issue 26 items 7, 4, 9): rows, the ask-first dialog, toasts, the region picker, thumbnails, the quantity, categories.
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/toast/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/address/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/image/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/inputnumber/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabs/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabpane/style/css'

export { Address, Cell, CellGroup, Dialog, Image, InputNumber, Tabs, Toast } from '@nutui/nutui-react-taro'
