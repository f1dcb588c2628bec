import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The local cloud's layers (store → database → runtime → services → server → tools) are lint errors
 * (eslint.config.mjs): a layer never imports a later one, and imports another layer only through its
 * door, the folder's index.ts. Each case lints a small file placed in a layer with ESLint's Node API.
 */
const ROOT = path.resolve(__dirname, '../..');

const CASES = {
  upward: ['local-cloud/store/x.ts', "import { createServer } from '../server';\nexport const x = createServer;\n"],
  upwardType: ['local-cloud/database/x.ts', "import type { LocalCloud } from '../services';\nexport type X = LocalCloud;\n"],
  upwardFromServer: ['local-cloud/server/x.ts', "import { seedDemoData } from '../tools';\nexport const x = seedDemoData;\n"],
  sideDoor: ['local-cloud/database/x.ts', "import { Checkpointer } from '../store/checkpointer';\nexport const x = Checkpointer;\n"],
  sideDoorReexport: ['local-cloud/services/x.ts', "export { realNow } from '../database/clock';\n"],
  roundabout: ['local-cloud/runtime/x.ts', "import { DocumentStore } from '../../local-cloud/store';\nexport const x = DocumentStore;\n"],
  doors: [
    'local-cloud/database/x.ts',
    "import { DocumentStore } from '../store';\nimport { realNow } from './clock';\nimport { decode } from '../store/index';\nexport const x = [DocumentStore, realNow, decode];\n",
  ],
  toolsUseEveryDoor: [
    'local-cloud/tools/x.ts',
    [
      "import { DocumentStore } from '../store';",
      "import { LocalDatabase } from '../database';",
      "import { startTimers } from '../runtime';",
      "import { LocalCloud } from '../services';",
      "import { createServer } from '../server';",
      "import { seedDemoData } from './seed';",
      "import { MENU } from '../../shared/menu';",
      'export const x = [DocumentStore, LocalDatabase, startTimers, LocalCloud, createServer, seedDemoData, MENU];',
      '',
    ].join('\n'),
  ],
} as const;

// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not run:
// lint every case in one child node process (as tests/unit/lint-layers.test.ts does).
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

describe('local-cloud layers', () => {
  it('refuses an upward import (a layer importing a later one), types included', () => {
    expect(found.upward).toHaveLength(1);
    expect(found.upward[0]).toMatch(/local-cloud\/store never imports a later layer .*store → database → runtime → services → server → tools/);
    expect(found.upwardType).toHaveLength(1);
    expect(found.upwardType[0]).toMatch(/later layer/);
    expect(found.upwardFromServer).toHaveLength(1);
  });
  it("refuses a side door: another layer's internal file instead of its index.ts, re-exports included", () => {
    expect(found.sideDoor).toHaveLength(1);
    expect(found.sideDoor[0]).toMatch(/through its door/);
    expect(found.sideDoorReexport).toHaveLength(1);
    expect(found.roundabout).toHaveLength(1);
  });
  it('lets a layer import its own files and the doors of the layers before it', () => {
    expect(found.doors).toEqual([]);
    expect(found.toolsUseEveryDoor).toEqual([]);
  });
});
