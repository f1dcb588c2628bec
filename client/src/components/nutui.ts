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
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/cellgroup/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/toast/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tag/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/overlay/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabs/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabpane/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/picker/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/pickerview/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/address/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/image/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/inputnumber/style/css'

export {
  Address,
  Button,
  Cell,
  CellGroup,
  Checkbox,
  Dialog,
  Image,
  Input,
  InputNumber,
  Picker,
  Popup,
  Progress,
  TabPane,
  Tabs,
  Tag,
  Toast,
} from '@nutui/nutui-react-taro'
