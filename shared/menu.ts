/**
 * The demo coffee chain's short menu, defined once: the till's buttons (client/src/pages/staff/menu.ts)
 * and the seeded orders (local-cloud/tools/seed.ts) both take it from here. A real store would load its catalogue.
 */
interface MenuItem {
  sku: string;
  name: string;
  category: string;
  priceFen: number;
}

export const MENU: readonly MenuItem[] = [
  { sku: 'COF-LAT', name: '拿铁', category: 'coffee', priceFen: 3200 },
  { sku: 'COF-AME', name: '美式', category: 'coffee', priceFen: 2600 },
  { sku: 'COF-FLW', name: '澳白', category: 'coffee', priceFen: 3400 },
  { sku: 'TEA-OOL', name: '乌龙拿铁', category: 'tea', priceFen: 3000 },
  { sku: 'BAK-CRO', name: '可颂', category: 'bakery', priceFen: 1800 },
  { sku: 'BAK-CAK', name: '巴斯克蛋糕', category: 'bakery', priceFen: 3800 },
  { sku: 'BEAN-YR', name: '耶加雪菲咖啡豆 250g', category: 'beans', priceFen: 12800 },
];
