import type { BuildOptions } from 'esbuild';

/** See esbuild-node.mjs. */
export declare const nodeBundleOptions: BuildOptions & { external: string[] };
