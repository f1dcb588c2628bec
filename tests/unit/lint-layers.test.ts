import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The architecture's import rules are lint errors (eslint.config.mjs): each case lints a small file
 * placed where the rule applies and expects the layer rule to fire, or not.
 */
const ROOT = path.resolve(__dirname, '../..');

const CASES = {
  otherFunction: ['cloudfunctions/member/x.ts', "import { nightly } from '../points/nightly';\nexport const x = nightly;\n"],
  functionToLocalCloud: ['cloudfunctions/points/x.ts', "import { LocalCloud } from '../../local-cloud/local-cloud';\nexport const x = LocalCloud;\n"],
  libToLocalCloud: ['cloudfunctions/_lib/x.ts', "import { LocalCloud } from '../../local-cloud/local-cloud';\nexport const x = LocalCloud;\n"],
  libToFunction: ['cloudfunctions/_lib/x.ts', "import { main } from '../member/index';\nexport const x = main;\n"],
  functionAllowed: [
    'cloudfunctions/member/x.ts',
    "import { database } from '../_lib/cloud';\nimport { AppError } from '../../shared/errors';\nimport { toCard } from './card';\nexport const x = [database, AppError, toCard];\n",
  ],
  sharedNode: ['shared/rules/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
  sharedToFunctions: ['shared/rules/x.ts', "import { database } from '../../cloudfunctions/_lib/cloud';\nexport const x = database;\n"],
  sharedTaro: ['shared/rules/x.ts', "import Taro from '@tarojs/taro';\nexport const x = Taro;\n"],
  clientSchemaValue: ['client/src/x.ts', "import { memberRequests } from '@shared/schemas/member'\nexport const x = memberRequests\n"],
  clientSchemaType: ['client/src/x.ts', "import type { MemberCard } from '@shared/schemas/member'\nexport type X = MemberCard\n"],
  clientRule: ['client/src/x.ts', "import { classifyScannedCode } from '@shared/rules/scan-code'\nexport const x = classifyScannedCode\n"],
  clientSdk: ['client/src/x.ts', "import cloud from 'wx-server-sdk'\nexport const x = cloud\n"],
} as const;

// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not run:
// lint every case in one child node process.
const LINT = `
const { ESLint } = require('eslint');
const path = require('node:path');
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = {};
  for (const [name, [filePath, code]] of Object.entries(JSON.parse(input))) {
    const [r] = await eslint.lintText(code, { filePath: path.join(process.cwd(), filePath) });
    out[name] = r.messages.filter((m) => /no-restricted-imports/.test(m.ruleId || '')).map((m) => m.message);
  }
  process.stdout.write(JSON.stringify(out));
});`;

let found: Record<keyof typeof CASES, string[]>;
beforeAll(() => {
  found = JSON.parse(execFileSync(process.execPath, ['-e', LINT], { cwd: ROOT, input: JSON.stringify(CASES) }).toString());
}, 60_000);

describe('layer rules', () => {
  it("refuses a function importing another function's folder", () => {
    expect(found.otherFunction).toHaveLength(1);
    expect(found.otherFunction[0]).toMatch(/another function's folder/);
  });
  it('refuses a function or _lib importing the local cloud, and _lib importing a function', () => {
    expect(found.functionToLocalCloud.length).toBeGreaterThan(0);
    expect(found.libToLocalCloud.length).toBeGreaterThan(0);
    expect(found.libToFunction).toHaveLength(1);
  });
  it('lets a function import _lib, shared and its own folder', () => {
    expect(found.functionAllowed).toEqual([]);
  });
  it('keeps shared/ pure and free of our other layers', () => {
    expect(found.sharedNode).toHaveLength(1);
    expect(found.sharedToFunctions).toHaveLength(1);
    expect(found.sharedTaro).toHaveLength(1);
  });
  it('lets the client take shared schemas as types only, and run shared rules', () => {
    expect(found.clientSchemaValue).toHaveLength(1);
    expect(found.clientSchemaType).toEqual([]);
    expect(found.clientRule).toEqual([]);
    expect(found.clientSdk).toHaveLength(1);
  });
});
