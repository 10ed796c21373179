/**
 * Images from files (the CLI's `ask --image`): recognised by their first bytes, not their name, and
 * sent as base64 data URLs, the only form Kimi takes (docs/reference/kimi-api.md#vision). There is
 * no canvas outside the chat view to scale them down, so a size cap stands in.
 */
import { AppError } from '../errors';
import type { ImageInput } from './types';

/** Largest image file sent as is; a request body may be up to 100 MB, but an image this big only costs time. */
export const MAX_IMAGE_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES_PER_QUESTION = 4;

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** The type of an image by its signature, or undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const at = (i: number, ...values: number[]): boolean => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) {
    return 'image/png';
  }
  if (at(0, 0xff, 0xd8, 0xff)) {
    return 'image/jpeg';
  }
  if (at(0, 0x47, 0x49, 0x46, 0x38)) {
    return 'image/gif';
  }
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) {
    return 'image/webp';
  }
  return undefined;
}

/** An image file's bytes as a data URL for Kimi, or a clear error. */
export function imageInputFrom(bytes: Uint8Array, name: string): ImageInput {
  const type = sniffImageType(bytes);
  if (!type) {
    throw new AppError(`${name} is not a PNG, JPEG, WebP or GIF image.`);
  }
  if (bytes.length > MAX_IMAGE_FILE_BYTES) {
    throw new AppError(`${name} is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; images up to ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB can be sent. Scale it down first.`);
  }
  return { url: `data:${type};base64,${Buffer.from(bytes).toString('base64')}` };
}
