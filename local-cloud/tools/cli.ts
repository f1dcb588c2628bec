/**
 * Local operations without the server:
 *   npm run job -- <job>                       run a scheduled job now (see shared/schedule.ts)
 *   npm run seed -- [--reset]                  (re)seed demo data
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../runtime';
import { LocalCloud } from '../services';
import { seedDemoData, seedState } from './seed';
import { isJobName, JOB_NAMES } from '../../shared/schedule';

async function run() {
  const [command, ...args] = process.argv.slice(2);
  const dataDir = path.resolve(process.env.LOCAL_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
  const file = path.join(dataDir, 'cloud.sqlite');
  if (command === 'seed' && args.includes('--reset')) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const cloud = new LocalCloud({ file, functionSource: 'source' });
  try {
    if (command === 'job') {
      const [name] = args;
      if (!name || !isJobName(name)) throw new Error(`usage: npm run job -- <job>; jobs: ${JOB_NAMES.join(', ')}`);
      console.log(JSON.stringify(await cloud.runJob(name), null, 2));
    } else if (command === 'seed') {
      const state = await seedState();
      if (state === 'done') console.log('already seeded (use --reset to start over)');
      else if (state === 'partial') throw new Error('the demo data is incomplete (a seed did not finish): use --reset to start over');
      else console.log(await seedDemoData(cloud));
    } else {
      throw new Error('usage: cli.ts job <job> | seed [--reset]');
    }
  } finally {
    cloud.close();
  }
}

run().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
