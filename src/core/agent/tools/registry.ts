/**
 * The tools the model may call: JSON-schema declarations, argument validation (ajv, with
 * defaults filled in), and execution that never throws into the loop. A failing tool answers
 * `{ success: false, message }` so the model can recover, as in the original design (docs/reference/design.md); only a
 * cancellation escapes.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { isAbortError, errorMessage, UserAbortError } from '../../errors';
import type { Logger } from '../../logger';
import type { SourceRef } from '../events';
import type { ToolDefinition } from '../../kimi/types';
import { Redactor } from '../../redaction';

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolResult {
  readonly success: boolean;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export interface ToolOutcome {
  readonly result: ToolResult;
  /** One line for the UI; defaults to the result's message. */
  readonly summary?: string;
  readonly sources?: readonly SourceRef[];
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments; root `type: object` (docs/reference/kimi-api.md#tool-calls). */
  readonly parameters: JsonSchema;
  /** Changes state (creates, writes): runs alone, in order, never alongside other calls. */
  readonly mutates?: boolean;
  run(args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome>;
}

/** A Kimi built-in such as `$web_search`: declared differently, and its "result" is its arguments echoed back. */
export interface BuiltinTool {
  readonly name: string;
  readonly builtin: true;
}

export interface ToolExecution {
  readonly name: string;
  /** Parsed arguments, or the raw string when they were not valid JSON. */
  readonly args: unknown;
  readonly success: boolean;
  /** The tool message content: a JSON string. */
  readonly content: string;
  readonly summary: string;
  readonly sources?: readonly SourceRef[];
}

export function ok(result: Record<string, unknown>, summary?: string, sources?: readonly SourceRef[]): ToolOutcome {
  return { result: { success: true, ...result }, summary, sources };
}

export function fail(message: string): ToolOutcome {
  return { result: { success: false, message } };
}

function parseArgs(raw: string): { value: unknown; error?: string } {
  if (raw.trim() === '') {
    return { value: {} };
  }
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch (err) {
    return { value: raw, error: errorMessage(err) };
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly builtins = new Map<string, BuiltinTool>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });

  constructor(
    tools: ReadonlyArray<Tool | BuiltinTool>,
    private readonly logger?: Logger,
    /** Applied to every result before it is returned (and so before it reaches the model or the UI). */
    readonly redactor: Redactor = new Redactor(),
  ) {
    for (const t of tools) {
      if (this.tools.has(t.name) || this.builtins.has(t.name)) {
        // Kimi rejects duplicate function names with a 401 (docs/reference/kimi-api.md#tool-calls).
        throw new Error(`Duplicate tool name: ${t.name}`);
      }
      if ('builtin' in t) {
        this.builtins.set(t.name, t);
      } else {
        this.tools.set(t.name, t);
        this.validators.set(t.name, this.ajv.compile(t.parameters));
      }
    }
  }

  get names(): string[] {
    return [...this.tools.keys(), ...this.builtins.keys()];
  }

  definitions(): ToolDefinition[] {
    return [
      ...[...this.tools.values()].map(
        (t): ToolDefinition => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }),
      ),
      ...[...this.builtins.values()].map((b): ToolDefinition => ({ type: 'builtin_function', function: { name: b.name } })),
    ];
  }

  mutates(name: string): boolean {
    return this.tools.get(name)?.mutates === true;
  }

  /** Runs one call. Resolves with a failure result for anything but a cancellation. */
  async execute(name: string, rawArgs: string, signal?: AbortSignal): Promise<ToolExecution> {
    const parsed = parseArgs(rawArgs);
    const done = (outcome: ToolOutcome): ToolExecution => ({
      name,
      args: parsed.value,
      success: outcome.result.success,
      // A provider's error may quote a key (e.g. an embedding 401 inside a failed search): never forwarded.
      content: this.redactor.redact(JSON.stringify(outcome.result)),
      summary: this.redactor.redact(
        outcome.summary ?? (typeof outcome.result.message === 'string' ? outcome.result.message : outcome.result.success ? 'done' : 'failed'),
      ),
      sources: outcome.sources,
    });
    if (this.builtins.has(name)) {
      // Kimi runs its built-ins itself; the caller sends the arguments back unchanged (docs/reference/kimi-api.md#built-in-web-search).
      return { name, args: parsed.value, success: true, content: rawArgs, summary: 'searched the web' };
    }
    const tool = this.tools.get(name);
    if (!tool) {
      return done(fail(`Unknown tool: ${name}. Available tools: ${this.names.join(', ')}.`));
    }
    if (parsed.error !== undefined) {
      return done(fail(`The arguments for ${name} are not valid JSON (${parsed.error}). Send a JSON object.`));
    }
    const args = parsed.value;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      return done(fail(`The arguments for ${name} must be a JSON object.`));
    }
    const validate = this.validators.get(name) as ValidateFunction;
    if (!validate(args)) {
      return done(fail(`Invalid arguments for ${name}: ${this.ajv.errorsText(validate.errors, { dataVar: 'arguments' })}.`));
    }
    try {
      return done(await tool.run(args as Record<string, unknown>, signal));
    } catch (err) {
      if (isAbortError(err) || signal?.aborted) {
        throw err instanceof UserAbortError ? err : new UserAbortError();
      }
      this.logger?.warn(`Tool ${name} failed: ${this.redactor.redact(errorMessage(err))}`);
      return done(fail(`${name} failed: ${errorMessage(err)}`));
    }
  }
}
