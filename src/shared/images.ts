/**
 * Images in the chat: what the webview sends with a question, and the checks the host applies to it
 * (the webview is not trusted). Browser-safe: no node, no vscode, no core imports.
 */

/** An image for the next question, prepared in the webview (downscaled on a canvas, imageAttach.ts). */
export interface ImageAttachment {
  readonly name: string;
  /** base64 data URL of the image sent to the model. */
  readonly dataUrl: string;
  /** base64 data URL of a small preview, shown on the question and kept with the conversation. */
  readonly thumbnail: string;
}

/** Images one question may carry, and their sizes (characters of the data URL; ~0.75 byte each). */
export const MAX_IMAGES = 4;
export const MAX_IMAGE_DATA_URL_CHARS = 3_000_000;
export const MAX_THUMBNAIL_CHARS = 80_000;
/** The image types Kimi's vision models take (docs/reference/kimi-api.md#vision), as data URLs. */
export const IMAGE_DATA_URL = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;

/** Validates an ImageAttachment: base64 data URLs of an accepted type, within the size caps. */
export function parseImage(v: unknown): ImageAttachment | undefined {
  if (typeof v !== 'object' || v === null || !isString(rec(v).name, 200) || !isString(rec(v).dataUrl, MAX_IMAGE_DATA_URL_CHARS) || !isString(rec(v).thumbnail, MAX_THUMBNAIL_CHARS)) {
    return undefined;
  }
  const { name, dataUrl, thumbnail } = rec(v) as { name: string; dataUrl: string; thumbnail: string };
  return IMAGE_DATA_URL.test(dataUrl) && IMAGE_DATA_URL.test(thumbnail) ? { name, dataUrl, thumbnail } : undefined;
}

function rec(v: object): Record<string, unknown> {
  return v as Record<string, unknown>;
}

function isString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}
