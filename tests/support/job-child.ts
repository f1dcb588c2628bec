/**
 * A separate process that opens a local cloud on a data file and runs one scheduled job, for the test
 * that kills a job in the middle (SIGKILL, no clean-up) and checks that the next run resumes.
 *   tsx tests/support/job-child.ts <sqlite file> <job>
 */
import { LocalCloud } from '../../local-cloud/local-cloud';

async function main() {
  const [file, job] = process.argv.slice(2);
  const cloud = new LocalCloud({ file, functionSource: 'source', faults: { conflict: 0, transient: 0, lostReply: 0 } });
  console.log('started');
  const r = await cloud.runJob(job);
  console.log(JSON.stringify(r));
  cloud.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
