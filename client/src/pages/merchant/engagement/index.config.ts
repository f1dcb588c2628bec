export default definePageConfig({
  navigationBarTitleText: '会员互动',
})
