/**
 * The extractor picked when the first document needs one: the setting "ask" lets the user choose
 * between reading documents on this computer and Kimi's file-extract. The choice itself (asking,
 * remembering the answer) belongs to the front end; core only defers to it.
 */
import { type DocumentExtractor, DocumentError, type ExtractedDocument } from './types';

export class ChoosingExtractor implements DocumentExtractor {
  /** Reported as 'local' until a choice is made: nothing has been uploaded. */
  get name(): 'local' | 'kimi' {
    return this.last?.name ?? 'local';
  }

  private last: DocumentExtractor | undefined;

  /** `choose` returns the extractor to use, or undefined when the user made no choice. */
  constructor(private readonly choose: (fileName: string) => Promise<DocumentExtractor | undefined>) {}

  async extract(bytes: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ExtractedDocument> {
    const chosen = await this.choose(fileName);
    if (!chosen) {
      throw new DocumentError(`${fileName} was not indexed: choose how to read documents (on this computer or with Kimi) first.`, 'declined');
    }
    this.last = chosen;
    return chosen.extract(bytes, fileName, signal);
  }
}
