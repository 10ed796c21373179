/**
 * Documents (PDF, DOCX, PPTX, XLSX, EPUB) from the command line: read on this machine by default;
 * `--extractor kimi` uploads each one to Kimi's file-extract (the flag is the consent; the upload
 * is deleted once read). The Kimi client is loaded only when that flag is given.
 */
import { ChoosingExtractor } from '../core/documents/choosingExtractor';
import { LocalExtractor } from '../core/documents/localExtractor';
import type { DocumentExtractor } from '../core/documents/types';
import { ConfigError } from '../core/errors';
import { type CliIO, type ParsedArgs, stringFlag } from './command';
import { deadlinesFromArgs } from './config';
import { cliLogger } from './context';

export const documentOptions = {
  documents: { type: 'boolean' },
  extractor: { type: 'string' },
} as const;

export const DOCUMENTS_HELP = [
  'Documents (PDF, DOCX, PPTX, XLSX, EPUB):',
  '  --documents               index also documents (add always takes them)',
  '  --extractor local|kimi    local (default): read on this machine, nothing leaves it;',
  "                            kimi: Kimi's file-extract (needs KIMI_API_KEY): each document is uploaded to",
  '                            Moonshot, its text read back and the upload deleted; reads scanned PDFs',
].join('\n');

export function cliDocumentExtractor(args: ParsedArgs, io: CliIO): DocumentExtractor {
  const which = stringFlag(args, 'extractor') ?? 'local';
  if (which !== 'local' && which !== 'kimi') {
    throw new ConfigError(`--extractor must be "local" or "kimi" (got "${which}").`);
  }
  const local = new LocalExtractor();
  if (which === 'local') {
    return local;
  }
  let kimi: Promise<DocumentExtractor> | undefined;
  return new ChoosingExtractor(() => (kimi ??= kimiExtractor(args, io)));
}

async function kimiExtractor(args: ParsedArgs, io: CliIO): Promise<DocumentExtractor> {
  const apiKey = io.env.KIMI_API_KEY?.trim();
  if (!apiKey) {
    throw new ConfigError('--extractor kimi needs KIMI_API_KEY (create a key at https://platform.moonshot.ai/console/api-keys).');
  }
  const [{ KimiExtractor }, { KimiFiles }] = await Promise.all([import('../core/documents/kimiExtractor.js'), import('../core/kimi/kimiFiles.js')]);
  const { KIMI_GLOBAL_BASE_URL, DEFAULT_KIMI_MODEL } = await import('../core/config.js');
  const files = new KimiFiles(
    { apiKey, baseUrl: io.env.KIMI_BASE_URL?.trim() || KIMI_GLOBAL_BASE_URL, model: io.env.KIMI_MODEL?.trim() || DEFAULT_KIMI_MODEL, deadlines: deadlinesFromArgs(args, io.env) },
    { logger: cliLogger(io) },
  );
  return new KimiExtractor(files, { logger: cliLogger(io) });
}
