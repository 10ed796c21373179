/** Loaded first by mocha (--file): releases the shared Milvus Lite handle after all tests. */
import { disposeTestStore } from './milvusEnv';

after(async function () {
  this.timeout(60_000);
  await disposeTestStore();
});
