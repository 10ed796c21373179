import * as vscode from 'vscode';
import type { AppConfig } from '../../core/config';
import { ChoosingExtractor } from '../../core/documents/choosingExtractor';
import { KimiExtractor } from '../../core/documents/kimiExtractor';
import { LocalExtractor } from '../../core/documents/localExtractor';
import { type DocumentExtractor, DocumentError } from '../../core/documents/types';
import { KimiFiles } from '../../core/kimi/kimiFiles';
import type { Logger } from '../../core/logger';
import { SETTINGS_SECTION } from '../settings';

/** globalState: the answer to "read documents here or with Kimi?" (setting "ask"), and the consent to upload (setting "kimi"). */
export const EXTRACTOR_CHOICE_KEY = 'kimiMilvus.documents.extractorChoice';
export const KIMI_UPLOAD_CONSENT_KEY = 'kimiMilvus.documents.kimiUploadConsent';

const HERE = 'On This Computer';
const KIMI = 'With Kimi (Upload to Moonshot)';
const UPLOAD = 'Upload to Moonshot';

export interface ExtractorChoiceDeps {
  readonly state: vscode.Memento;
  readonly config: () => Promise<AppConfig>;
  readonly log: Logger;
}

/**
 * The extension's document extractor: `kimiMilvus.documents.extractor` is read at every document,
 * so a changed setting applies at once. "ask" asks once which way (and remembers); "kimi" asks
 * once before the first upload, since the file goes to Moonshot. A question asked while several
 * documents wait is asked once for all of them.
 */
export function createDocumentExtractor(deps: ExtractorChoiceDeps): DocumentExtractor {
  const local = new LocalExtractor();
  // A question closed without an answer is not asked again for every document of the same run.
  let dismissedAt = 0;
  /** A remembered answer, else the question (one at a time, however many documents wait), else `no` for a minute after a dismissal. */
  const asking = <T>(remembered: () => T | undefined, ask: () => Promise<T>, no: T): (() => Promise<T>) => {
    let pending: Promise<T> | undefined;
    return async () => {
      const saved = remembered();
      if (saved !== undefined) {
        return saved;
      }
      if (Date.now() - dismissedAt < 60_000) {
        return no;
      }
      pending ??= ask().finally(() => (pending = undefined));
      const answer = await pending;
      if (answer === no) {
        dismissedAt = Date.now();
      }
      return answer;
    };
  };
  const choice = asking<'local' | 'kimi' | undefined>(
    () => {
      const saved = deps.state.get<unknown>(EXTRACTOR_CHOICE_KEY);
      return saved === 'local' || saved === 'kimi' ? saved : undefined;
    },
    () => askWhichWay(deps.state),
    undefined,
  );
  const consent = asking<boolean>(() => (deps.state.get<unknown>(KIMI_UPLOAD_CONSENT_KEY) === true ? true : undefined), () => askUpload(deps.state), false);

  return new ChoosingExtractor(async (fileName) => {
    const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('documents.extractor') ?? 'ask';
    const mode = setting === 'local' || setting === 'kimi' ? setting : await choice();
    if (mode === undefined) {
      throw new DocumentError(`${fileName} was not indexed: choose how documents are read (setting "kimiMilvus.documents.extractor").`, 'declined');
    }
    if (mode === 'local') {
      return local;
    }
    const { kimi } = await deps.config();
    if (!kimi.apiKey) {
      throw new DocumentError(`${fileName} was not indexed: documents are read with Kimi, and no Kimi API key is set. Run "Kimi Milvus: Set Kimi API Key", or set "kimiMilvus.documents.extractor" to "local".`, 'kimi-failed');
    }
    return new KimiExtractor(new KimiFiles(kimi, { logger: deps.log }), { confirmUpload: consent, logger: deps.log });
  });
}

async function askWhichWay(state: vscode.Memento): Promise<'local' | 'kimi' | undefined> {
  const answer = await vscode.window.showInformationMessage(
    'Kimi Milvus: how should the text of documents (PDF, Word, PowerPoint, Excel, EPUB) be read? On this computer nothing leaves it, ' +
      "but scanned PDFs have no text. Kimi's file-extract uploads each document to Moonshot, reads scans too, and deletes the upload right after.",
    { modal: true },
    HERE,
    KIMI,
  );
  const choice = answer === HERE ? 'local' : answer === KIMI ? 'kimi' : undefined;
  if (choice) {
    await state.update(EXTRACTOR_CHOICE_KEY, choice);
  }
  if (choice === 'kimi') {
    await state.update(KIMI_UPLOAD_CONSENT_KEY, true);
  }
  return choice;
}

async function askUpload(state: vscode.Memento): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    "Kimi Milvus: documents are read with Kimi's file-extract, so each document is uploaded to Moonshot (the Kimi API's servers), " +
      'its text read back, and the upload deleted right after. Upload documents?',
    { modal: true },
    UPLOAD,
  );
  if (answer === UPLOAD) {
    await state.update(KIMI_UPLOAD_CONSENT_KEY, true);
    return true;
  }
  return false;
}
