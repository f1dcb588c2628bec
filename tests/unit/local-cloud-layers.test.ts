import { importRuleMessages } from '../support/lint-imports';

/**
 * The local cloud's layers (store → database → runtime → services → server → tools) are lint errors
 * (eslint.config.mjs): a layer never imports a later one, and imports another layer only through its
 * door, the folder's index.ts. Each case lints a small file placed in a layer with ESLint's Node API.
 */
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

let found: Record<keyof typeof CASES, string[]>;
beforeAll(() => {
  found = importRuleMessages(CASES);
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
