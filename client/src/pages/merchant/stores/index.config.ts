export default definePageConfig({
  navigationBarTitleText: '员工与门店',
})
