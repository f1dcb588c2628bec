export default definePageConfig({
  navigationBarTitleText: '已注销',
})
