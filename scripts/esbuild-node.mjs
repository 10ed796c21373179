// The options every Node bundle of the product shares (the extension, the CLI and the test builds
// of them), so a test bundle behaves like the shipped one.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const protoLoaderMemo = path.join(root, 'scripts', 'proto-loader-memo.cjs');

/** The Milvus SDK's imports of @grpc/proto-loader go through the memo (proto-loader-memo.cjs); the memo itself gets the real one. */
const protoLoaderPlugin = {
  name: 'proto-loader-memo',
  setup(build) {
    build.onResolve({ filter: /^@grpc\/proto-loader$/ }, (args) =>
      args.importer === protoLoaderMemo ? undefined : { path: protoLoaderMemo },
    );
  },
};

export const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  // The SDK eagerly loads its BulkWriter (parquet + aws-sdk); the product never uses it, so it is stubbed.
  alias: { '@shanghaikid/parquetjs': path.join(root, 'scripts', 'parquet-stub.cjs') },
  plugins: [protoLoaderPlugin],
  // Optional native accelerators that some dependencies try to require inside try/catch.
  external: ['vscode', 'bufferutil', 'utf-8-validate', '@aws-sdk/signature-v4-crt'],
};
