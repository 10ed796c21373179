/**
 * Loaded first by mocha (--file). Root hooks: bring up the shared Milvus Lite before any test
 * (the first run on a machine installs it into the venv, which takes minutes, longer than a
 * single test's timeout), and release it after all tests.
 */
import { disposeTestStore, getTestStore } from './milvusEnv';

before(async function () {
  this.timeout(900_000);
  await getTestStore();
});

after(async function () {
  this.timeout(60_000);
  await disposeTestStore();
});
