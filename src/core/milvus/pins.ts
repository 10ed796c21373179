/**
 * The Milvus Lite release the embedded server runs. Milvus Lite 3.x is pure Python and needs
 * pymilvus for its gRPC stubs, so both are pinned together (verified round trip: see
 * docs/milvus-lite-verified.md).
 */
export const MILVUS_LITE_VERSION = '3.2.2';
export const PYMILVUS_VERSION = '3.0.2';

/** pip requirement specs. milvus-lite is named on its own because pymilvus' extra skips Windows. */
export const PIP_REQUIREMENTS: readonly string[] = [
  `milvus-lite==${MILVUS_LITE_VERSION}`,
  `pymilvus==${PYMILVUS_VERSION}`,
];

/** Milvus Lite 3.x needs Python 3.10+. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Written into the venv once pip succeeded; a venv without it (or with other pins) is re-provisioned. */
export const VENV_MARKER = '.kimi-milvus-venv.json';
