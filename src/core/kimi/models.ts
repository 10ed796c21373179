import { AppError } from '../errors';

/**
 * What we know about Kimi models. Context windows are from docs/reference/kimi-api.md#endpoints-keys-and-models; the
 * docs give none for kimi-k2.5 and kimi-k2-turbo-preview, so the k2 family falls back to the
 * 131,072 documented for kimi-k2-0711-preview: too small a guess only trims history earlier,
 * too large a guess would produce 400 "exceeded model token limit" errors.
 */
const KNOWN_WINDOWS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^moonshot-v1-8k/, 8_192],
  [/^moonshot-v1-32k/, 32_768],
  [/^moonshot-v1-128k/, 131_072],
  [/^moonshot-v1-auto$/, 131_072],
  [/^kimi-k2/, 131_072],
  [/^kimi-latest/, 131_072],
  [/^kimi-thinking/, 131_072],
];

/**
 * Models that take images (docs/reference/kimi-api.md#vision): kimi-k2.5 and later k2 releases
 * announced as multimodal, kimi-latest, kimi-thinking-preview and the moonshot-v1 vision previews.
 * kimi-k2-0711-preview is documented without vision; other ids are taken as text-only.
 */
const VISION = [/^kimi-k2\.[5-9]/, /^kimi-latest/, /^kimi-thinking/, /-vision-preview$/];

/** The model suggested when the chosen one cannot see images. */
export const DEFAULT_VISION_MODEL = 'kimi-k2.5';

export function supportsVision(model: string): boolean {
  return VISION.some((re) => re.test(model));
}

/** The vision model to offer among those a key can use: kimi-k2.5 when listed, else the first with vision. */
export function visionModelAmong(models: readonly string[]): string {
  return models.includes(DEFAULT_VISION_MODEL) ? DEFAULT_VISION_MODEL : (models.find(supportsVision) ?? DEFAULT_VISION_MODEL);
}

/** Images were attached for a model that cannot see them; nothing was sent. */
export class VisionUnsupportedError extends AppError {
  constructor(readonly model: string) {
    super(`${model} cannot see images. Choose a model with vision (such as ${DEFAULT_VISION_MODEL}) and send again, or ask without the image.`);
  }
}

/** Conservative default for a model id we have never heard of. */
export const UNKNOWN_MODEL_WINDOW = 32_768;

export function contextWindowFor(model: string): number {
  return KNOWN_WINDOWS.find(([re]) => re.test(model))?.[1] ?? UNKNOWN_MODEL_WINDOW;
}

/**
 * max_tokens for an answer. Always explicit: the server default (~1024) truncates agent answers
 * (docs/reference/kimi-api.md#request-parameters), while a huge value burns the TPM budget, which counts prompt + max_tokens.
 */
export function answerTokensFor(model: string): number {
  return Math.min(8_192, Math.floor(contextWindowFor(model) / 4));
}
