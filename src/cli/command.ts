import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, isAbortError } from '../core/errors';
import { isValidCollectionName } from '../core/indexing/collectionName';
import { COMMAND_LINE_WORDS } from '../text/commandLineWords';
import { errorText } from '../text/errorText';

/** One CLI command. Groups of commands live in src/cli/<group>.ts and export `commands`. */
export interface CliCommand {
  /** e.g. "index" or "server start". */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage text for `kimi-milvus <name> --help`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on SIGINT. */
  readonly signal: AbortSignal;
}

export function parseCommandArgs(cmd: CliCommand, argv: string[]): ParsedArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  return { values, positionals };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** What a failed command tells the user: "Cancelled." for a cancel, else what happened and the way out. */
export function failureMessage(err: unknown): string {
  return isAbortError(err) ? 'Cancelled.' : errorText(err, COMMAND_LINE_WORDS);
}

/** Exit code of a command that failed with `err`: 130 cancelled, 2 bad usage or configuration, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  return isAbortError(err) ? 130 : err instanceof ConfigError ? 2 : 1;
}

/** The --collection flag, checked against Milvus' naming rules. */
export function collectionFlag(args: ParsedArgs): string | undefined {
  const name = stringFlag(args, 'collection');
  if (name !== undefined && !isValidCollectionName(name)) {
    throw new ConfigError(`"${name}" is not a valid collection name: letters, digits and underscores, starting with a letter or underscore, at most 64 characters.`);
  }
  return name;
}
