import { importRuleMessages } from '../support/lint-imports';

/**
 * The architecture's import rules are lint errors (eslint.config.mjs): each case lints a small file
 * placed where the rule applies and expects the layer rule to fire, or not.
 */
const CASES = {
  otherFunction: ['cloudfunctions/member/x.ts', "import { nightly } from '../points/nightly';\nexport const x = nightly;\n"],
  functionToLocalCloud: ['cloudfunctions/points/x.ts', "import { LocalCloud } from '../../local-cloud/services';\nexport const x = LocalCloud;\n"],
  libToLocalCloud: ['cloudfunctions/_lib/points/x.ts', "import { LocalCloud } from '../../../local-cloud/services';\nexport const x = LocalCloud;\n"],
  libToFunction: ['cloudfunctions/_lib/points/x.ts', "import { main } from '../../member/index';\nexport const x = main;\n"],
  platformToDomain: ['cloudfunctions/_lib/platform/x.ts', "import { memberPoints } from '../points';\nexport const x = memberPoints;\n"],
  platformAllowed: [
    'cloudfunctions/_lib/platform/x.ts',
    "import { database } from './cloud';\nimport { AppError } from '../../../shared/errors';\nexport const x = [database, AppError];\n",
  ],
  domainUpward: ['cloudfunctions/_lib/points/x.ts', "import { creditOrder } from '../orders';\nexport const x = creditOrder;\n"],
  domainSideDoor: ['cloudfunctions/_lib/orders/x.ts', "import { txEntry } from '../points/ledger';\nexport const x = txEntry;\n"],
  domainToJobs: ['cloudfunctions/_lib/lifecycle/x.ts', "import { RUNNERS } from '../jobs';\nexport const x = RUNNERS;\n"],
  domainAllowed: [
    'cloudfunctions/_lib/orders/x.ts',
    "import { txEntry } from '../points';\nimport { database } from '../platform/cloud';\nimport { storeName } from './stores';\nimport { AppError } from '../../../shared/errors';\nexport const x = [txEntry, database, storeName, AppError];\n",
  ],
  jobsAllowed: [
    'cloudfunctions/_lib/jobs/x.ts',
    "import { runDormancy } from '../lifecycle';\nimport { log } from '../platform/log';\nexport const x = [runDormancy, log];\n",
  ],
  jobsSideDoor: ['cloudfunctions/_lib/jobs/x.ts', "import { runDormancy } from '../lifecycle/dormancy';\nexport const x = runDormancy;\n"],
  functionSideDoor: ['cloudfunctions/member/x.ts', "import { txEntry } from '../_lib/points/ledger';\nexport const x = txEntry;\n"],
  functionAllowed: [
    'cloudfunctions/member/x.ts',
    "import { database } from '../_lib/platform/cloud';\nimport { memberByOpenid } from '../_lib/members';\nimport { AppError } from '../../shared/errors';\nimport { toCard } from './card';\nexport const x = [database, memberByOpenid, AppError, toCard];\n",
  ],
  sharedNode: ['shared/rules/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
  sharedToFunctions: ['shared/rules/x.ts', "import { database } from '../../cloudfunctions/_lib/platform/cloud';\nexport const x = database;\n"],
  sharedTaro: ['shared/rules/x.ts', "import Taro from '@tarojs/taro';\nexport const x = Taro;\n"],
  clientSchemaValue: ['client/src/x.ts', "import { memberRequests } from '@shared/schemas/member'\nexport const x = memberRequests\n"],
  clientSchemaType: ['client/src/x.ts', "import type { MemberCard } from '@shared/schemas/member'\nexport type X = MemberCard\n"],
  clientRule: ['client/src/x.ts', "import { classifyScannedCode } from '@shared/rules/scan-code'\nexport const x = classifyScannedCode\n"],
  clientSdk: ['client/src/x.ts', "import cloud from 'wx-server-sdk'\nexport const x = cloud\n"],
} as const;

let found: Record<keyof typeof CASES, string[]>;
beforeAll(() => {
  found = importRuleMessages(CASES);
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
  it('lets a function import platform files, domain doors, shared and its own folder, but not a file inside a domain', () => {
    expect(found.functionAllowed).toEqual([]);
    expect(found.functionSideDoor).toHaveLength(1);
    expect(found.functionSideDoor[0]).toMatch(/only through its door/);
  });
  it('keeps platform/ below every domain', () => {
    expect(found.platformToDomain).toHaveLength(1);
    expect(found.platformAllowed).toEqual([]);
  });
  it('refuses an upward or sideways import between domains, and a domain importing jobs/', () => {
    expect(found.domainUpward).toHaveLength(1);
    expect(found.domainUpward[0]).toMatch(/members → messages → tiers → points/);
    expect(found.domainSideDoor).toHaveLength(1);
    expect(found.domainToJobs).toHaveLength(1);
    expect(found.domainAllowed).toEqual([]);
  });
  it('lets jobs/ import every domain through its door only', () => {
    expect(found.jobsAllowed).toEqual([]);
    expect(found.jobsSideDoor).toHaveLength(1);
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
