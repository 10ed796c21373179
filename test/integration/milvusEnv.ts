/**
 * The real Milvus Lite every integration test uses: one embedded server per mocha process
 * (shared with other processes on the same data dir), provisioned on first use.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { MilvusConfig } from '../../src/core/config';
import { createStreamLogger } from '../../src/core/logger';
import { openStore, type StoreHandle } from '../../src/core/store/factory';
import type { VectorStore } from '../../src/core/store/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The venv all test processes share (and child processes, through the environment). */
export function testVenvDir(): string {
  const dir = process.env.KIMI_MILVUS_VENV?.trim() || path.join(REPO_ROOT, '.cache', 'milvus-venv');
  process.env.KIMI_MILVUS_VENV = dir;
  return dir;
}

export function testMilvusConfig(): MilvusConfig {
  testVenvDir();
  return {
    uri: undefined,
    token: undefined,
    dataDir: process.env.KIMI_MILVUS_TEST_DATA_DIR?.trim() || path.join(REPO_ROOT, '.cache', 'test-milvus'),
    pythonPath: undefined,
  };
}

/** The environment that points a CLI or MCP child process at the tests' Milvus. */
export function milvusCliEnv(): Record<string, string> {
  const milvus = testMilvusConfig();
  return { KIMI_MILVUS_DATA_DIR: milvus.dataDir, ...(milvus.uri ? { MILVUS_URI: milvus.uri } : {}) };
}

let handle: Promise<StoreHandle> | undefined;

export function getTestHandle(): Promise<StoreHandle> {
  handle ??= openStore(testMilvusConfig(), {
    logger: createStreamLogger((line) => process.stderr.write(`  [milvus] ${line}\n`), 'warn'),
    onProgress: (message) => process.stderr.write(`  [milvus] ${message}\n`),
  }).catch((err: unknown) => {
    handle = undefined;
    throw err;
  });
  return handle;
}

export async function getTestStore(): Promise<VectorStore> {
  return (await getTestHandle()).store;
}

/** Releases the shared handle (root `after` hook in setup.ts). */
export async function disposeTestStore(): Promise<void> {
  const current = handle;
  handle = undefined;
  if (current) {
    await (await current).dispose();
  }
}

/** A collection name no other test (or parallel test run) uses. */
export function uniqueCollectionName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, '_');
  return `${clean}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
