/**
 * A separate process that opens a local cloud on a data file and runs one scheduled job, for the test
 * that kills a job in the middle (SIGKILL, no clean-up) and checks that the next run resumes.
 *   node --import tsx tests/support/job-child.ts <sqlite file> <job>
 */
import { LocalCloud } from '../../local-cloud/services';

async function main() {
  const [file, job] = process.argv.slice(2);
  // Functions see only their own environment, not this process's: hand the test's pacing on to them.
  const pace = process.env.HY_JOB_ITEMS_PER_SECOND;
  const cloud = new LocalCloud({
    file,
    functionSource: 'source',
    faults: { conflict: 0, transient: 0, lostReply: 0 },
    functionEnv: pace ? { HY_JOB_ITEMS_PER_SECOND: pace } : {},
  });
  console.log('started');
  const r = await cloud.runJob(job);
  console.log(JSON.stringify(r));
  cloud.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
