import type { CliCommand } from './command';

export const commands: CliCommand[] = [];
