/**
 * The console's NutUI components beyond the app's kit (`@/components/nutui`, whose styles every page
 * loads): imported only by the merchant subpackage, so their code and stylesheets stay out of the
 * main package (WeChat's 2 MB limit; the consumer's first load). Same kit, same on-demand styles.
 */
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/cellgroup/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/grid/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/griditem/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/radio/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/radiogroup/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/checkboxgroup/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabs/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tabpane/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/tag/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/textarea/style/css'

export { Cell, Dialog, Grid, Radio, Tabs, Tag, TextArea } from '@nutui/nutui-react-taro'
