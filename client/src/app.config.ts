export default defineAppConfig({
  // The main package carries what a consumer opens; the staff workbench and the merchant console are
  // subpackages (分包), loaded only by those who use them (WeChat's main package limit is 2 MB).
  pages: [
    'pages/index/index',
    'pages/points/index',
    'pages/profile/index',
    'pages/join/index',
    'pages/legal/index',
    'pages/farewell/index',
    'pages/checkin/index',
    'pages/invite/index',
  ],
  subPackages: [
    { root: 'pages/staff', pages: ['index'] },
    { root: 'pages/merchant', pages: ['index', 'dashboard/index'] },
    { root: 'pages/coupons', pages: ['center/index', 'mine/index', 'detail/index'] },
    { root: 'pages/mall', pages: ['index', 'item/index', 'orders/index'] },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
})
