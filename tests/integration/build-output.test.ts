import fs from 'node:fs';
import path from 'node:path';
import { listFunctions } from '../../local-cloud/runtime';

/** What `npm run build` (run by `npm test` before jest) must leave behind for deployment. */
const ROOT = path.resolve(__dirname, '../..');
const dist = (...p: string[]) => path.join(ROOT, 'dist', ...p);
const read = (...p: string[]) => fs.readFileSync(dist(...p), 'utf8');

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

describe('build output', () => {
  it('has one deployable folder per function, with wx-server-sdk left to the cloud', () => {
    const names = listFunctions();
    expect(names).toContain('member');
    for (const name of names) {
      const pkg = JSON.parse(read('cloudfunctions', name, 'package.json')) as { main: string; dependencies: Record<string, string> };
      expect(pkg.main).toBe('index.js');
      expect(pkg.dependencies).toEqual({ 'wx-server-sdk': '4.0.2' });
      expect(JSON.parse(read('cloudfunctions', name, 'config.json'))).toEqual(
        JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8')),
      );
      const bundle = read('cloudfunctions', name, 'index.js');
      expect(bundle).toMatch(/require\("wx-server-sdk"\)/);
      // The SDK and the local cloud are never inside a deployable bundle.
      expect(bundle).not.toMatch(/TcbDBApiHttpRequester|better-sqlite3|local-cloud/);
    }
    expect(JSON.parse(read('cloudfunctions', 'database.json')).collections.members).toBeDefined();
  });

  it('builds the mini-program into dist/weapp with the native component, calling functions through wx.cloud', () => {
    const app = JSON.parse(read('weapp', 'app.json')) as { pages: string[] };
    expect(app.pages[0]).toBe('pages/index/index');
    expect(fs.existsSync(dist('weapp', 'native', 'tier-progress', 'index.wxml'))).toBe(true);
    // The card page declares the native tier bar and the template hands it the percent it draws.
    const cardPage = JSON.parse(read('weapp', 'pages/index/index.json')) as { usingComponents?: Record<string, string> };
    expect(cardPage.usingComponents?.['tier-progress']).toBe('../../native/tier-progress/index');
    expect(read('weapp', 'base.wxml')).toMatch(/<tier-progress[^>]*percent="\{\{i\.percent\}\}"/);
    // The staff workbench and the merchant console are subpackages: the consumer's main package carries neither.
    const subPackages = (JSON.parse(read('weapp', 'app.json')) as { subPackages?: { root: string }[] }).subPackages ?? [];
    expect(subPackages.map((p) => p.root).sort()).toEqual(['pages/coupons', 'pages/mall', 'pages/merchant', 'pages/staff']);
    expect(app.pages).not.toContain('pages/staff/index');
    const js = filesUnder(dist('weapp'), '.js')
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    expect(js).toContain('callFunction');
    expect(js).not.toContain('/api/fn/');
  });

  it('builds the H5 app into dist/h5, calling functions over the local HTTP contract', () => {
    expect(read('h5', 'index.html')).toMatch(/<script/);
    const js = filesUnder(dist('h5'), '.js')
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    expect(js).toContain('/api/fn/');
  });
});
