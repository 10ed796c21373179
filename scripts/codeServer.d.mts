import type { ChildProcess } from 'node:child_process';

export declare const CODE_SERVER_VERSION: string;
export declare const TEST_SETTINGS: Record<string, unknown>;
export declare function codeServerDir(): string;
export declare function codeServerBin(dir?: string): string;
export declare function isCodeServerInstalled(dir?: string): boolean;
export declare function ensureCodeServer(options?: { log?: (message: string) => void }): Promise<string>;
export declare function freePort(): Promise<number>;

export interface StartCodeServerOptions {
  /** Workspace folder to open. */
  folder: string;
  /** Default: a fresh temporary directory, removed by stop(). */
  userDataDir?: string;
  /** User settings (default TEST_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Environment of code-server, and so of the extension host (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where code-server's stdout/stderr go. */
  logFile?: string;
  /** stop() copies VS Code's own logs (server, extension host, output channels) to <logDir>/vscode-logs. */
  logDir?: string;
  port?: number;
  /** Default false: the workspace-trust feature is off (no prompt; the folder is trusted). */
  workspaceTrust?: boolean;
  /** .vsix files to install (with --install-extension) into the instance's extensions dir first. */
  installExtensions?: string[];
  log?: (message: string) => void;
}

export interface RunningCodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  readonly userDataDir: string;
  readonly process: ChildProcess;
  /** vscode-remote URI of a local path, for the workbench payload. */
  remoteUri(localPath: string): string;
  /** URL opening the workbench on the folder, e.g. payload [['extensionDevelopmentPath', remoteUri(dir)]]. */
  workbenchUrl(payload?: [string, string][]): string;
  /** Stops code-server and every process it started; idempotent. */
  stop(): Promise<void>;
}

export declare function startCodeServer(options: StartCodeServerOptions): Promise<RunningCodeServer>;
