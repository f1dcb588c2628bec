export default definePageConfig({
  navigationBarTitleText: '风控',
})
