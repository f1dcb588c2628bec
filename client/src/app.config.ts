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
    {
      root: 'pages/merchant',
      // the console: a home grid and one page per area (issue 21 item 7)
      pages: [
        'index',
        'dashboard/index',
        'members/index',
        'members/detail/index',
        'members/tags/index',
        'members/segments/index',
        'tiers/index',
        'rules/index',
        'coupons/index',
        'mall/index',
        'risk/index',
        'engagement/index',
        'stores/index',
        'settings/index',
      ],
    },
    { root: 'pages/coupons', pages: ['center/index', 'mine/index', 'detail/index'] },
    { root: 'pages/mall', pages: ['index', 'item/index', 'orders/index'] },
  ],
  // Only the components a page renders are injected when it opens (用时注入), not every declared one:
  // less to evaluate at start-up (WeChat's code-quality check asks for it).
  lazyCodeLoading: 'requiredComponents',
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
  },
})
