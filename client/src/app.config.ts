export default defineAppConfig({
  pages: ['pages/index/index', 'pages/points/index', 'pages/profile/index', 'pages/staff/index', 'pages/merchant/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
})
