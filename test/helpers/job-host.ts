/**
 * A separate process that opens a library and runs one job, for crash-recovery and cross-process tests.
 * Usage: node job-host.js <dataDir> <kind> <inputJson>. Prints `RUNNING <jobId>` once the job runs.
 */
import { Core } from '../../core/core.js';

const [dataDir, kind, inputJson] = process.argv.slice(2);
const core = await Core.open({ dataDir: dataDir!, runJobs: true, ownJobsOnly: true, concurrency: 1 });
const { job } = await core.services.jobs.enqueue(kind!, JSON.parse(inputJson!));
let announced = false;
core.subscribe((e) => {
  if (!announced && e.type === 'job.progress' && e.jobId === job.id && e.progress > 0) {
    announced = true;
    process.stdout.write(`RUNNING ${job.id}\n`);
  }
});
const final = await core.services.jobs.waitFor(job.id);
process.stdout.write(`DONE ${final.state}\n`);
await core.close();
