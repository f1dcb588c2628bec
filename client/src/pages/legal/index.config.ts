export default definePageConfig({
  navigationBarTitleText: '条款与政策',
})
