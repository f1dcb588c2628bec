export default definePageConfig({
  navigationBarTitleText: '会员中心',
  enablePullDownRefresh: true,
  // The native tier bar (client/native/tier-progress) exists only in the weapp build.
  ...(process.env.TARO_ENV === 'weapp' ? { usingComponents: { 'tier-progress': '../../native/tier-progress/index' } } : {}),
})
