import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CodeQualityReport } from '../../scripts/deploy/code-quality';

/**
 * WeChat's own code-quality check (miniprogram-ci's checkCodeQuality, the DevTools 代码质量 panel) on
 * the dist/weapp that `npm run build` leaves (read as the build-output test reads it): all 11 pass.
 * In a child process: miniprogram-ci's analyser leaves a file watcher behind.
 */
const ROOT = path.resolve(__dirname, '../..');
const WEAPP = path.join(ROOT, 'dist', 'weapp');

describe("WeChat's code-quality check", () => {
  it('passes 11 of 11 on the built mini-program, with its packages sized', () => {
    expect(fs.existsSync(path.join(WEAPP, 'app.json'))).toBe(true);
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/deploy/code-quality.ts', WEAPP], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(run.status).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith('CODE_QUALITY '));
    const report = JSON.parse(line!.slice('CODE_QUALITY '.length)) as CodeQualityReport;
    expect(report.checks.filter((c) => !c.success).map((c) => c.name)).toEqual([]);
    expect(report.checks).toHaveLength(11);
    expect(report.passed).toBe(11);
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['PACKAGE_SIZE_LIMIT', 'JS_COMPRESS_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN', 'LAZYCODE_LOADING_OPEN']),
    );
    // The main package stays under WeChat's 2 MB (the check's own bar is 1.5 MB); each subpackage is sized.
    expect(report.packages.main).toBeGreaterThan(0);
    expect(report.packages.main).toBeLessThan(1.5 * 1024 * 1024);
    expect(Object.keys(report.packages).sort()).toEqual(['main', 'pages/coupons/', 'pages/mall/', 'pages/merchant/', 'pages/staff/']);
  }, 120_000);
});
