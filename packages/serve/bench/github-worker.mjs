// The local GitHub protocol server on its own thread for bench:serve: GitHub's work is not on the
// service's event loop in production, so it is not on it here either.
import { parentPort, workerData } from 'node:worker_threads';
import { startGitHubServer } from '@plumbing/test-utils';

const gh = await startGitHubServer({ repos: workerData.repos });
parentPort.postMessage({ url: gh.url, token: gh.token });
parentPort.on('message', async (m) => {
  if (m !== 'close') return;
  await gh.close();
  parentPort.postMessage('closed');
  parentPort.close();
});
