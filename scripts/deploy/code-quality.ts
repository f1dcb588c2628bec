/**
 * WeChat's own checks on the built mini-program, offline: `miniprogram-ci`'s `checkCodeQuality` (the
 * DevTools 代码质量 panel, 11 checks) and `analyseCode` (file sizes, summed per package). Run in a
 * child process that prints one JSON line and exits: miniprogram-ci's analyser leaves a file watcher
 * on the folder that would keep a test runner or the bench alive.
 *   tsx scripts/deploy/code-quality.ts [dist/weapp]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ci from 'miniprogram-ci';

export interface QualityCheck {
  name: string;
  success: boolean;
  text: string;
}
export interface CodeQualityReport {
  checks: QualityCheck[];
  passed: number;
  /** bytes per package: `main` and each subpackage root (`pages/staff/`) */
  packages: Record<string, number>;
}

const ROOT = path.resolve(__dirname, '../..');

/** No key is read offline; the project object wants a path to one. */
function placeholderKey(): string {
  const file = path.join(os.tmpdir(), 'huiyuan-ci-placeholder.key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, 'offline checks read no key\n');
  return file;
}

async function codeQuality(weappDir: string): Promise<CodeQualityReport> {
  const appid = (JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as { appid: string }).appid;
  const project = new ci.Project({ appid, type: 'miniProgram', projectPath: weappDir, privateKeyPath: placeholderKey(), ignores: ['node_modules/**/*'] });
  const checks = ((await ci.checkCodeQuality(project)) as QualityCheck[]).map(({ name, success, text }) => ({ name, success, text }));
  const analysed = await ci.analyseCode(project, { silent: true });
  const packages: Record<string, number> = {};
  for (const f of analysed?.files ?? []) {
    const key = f.subPackage ?? 'main';
    packages[key] = (packages[key] ?? 0) + f.size;
  }
  return { checks, passed: checks.filter((c) => c.success).length, packages };
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  codeQuality(path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'weapp')))
    .then((report) => {
      process.stdout.write(`CODE_QUALITY ${JSON.stringify(report)}\n`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
