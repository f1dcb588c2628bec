import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { initCloud } from './cloud-init'
import { reportFailedPageLoads } from './chunk-errors'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initCloud()
    reportFailedPageLoads()
  })
  return children
}

export default App
