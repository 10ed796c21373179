/** `ask --image FILE`: image files read and checked before anything starts. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_KIMI_MODEL } from '../core/config';
import { ConfigError, errorMessage } from '../core/errors';
import { imageInputFrom, MAX_IMAGES_PER_QUESTION } from '../core/kimi/imageInput';
import { DEFAULT_VISION_MODEL, supportsVision } from '../core/kimi/models';
import type { ImageInput } from '../core/kimi/types';
import type { CliIO, ParsedArgs } from './command';

/** The files of `--image`, read and checked before anything starts; refused at once for a model without vision. */
export async function imagesOf(io: CliIO, args: ParsedArgs): Promise<ImageInput[]> {
  const files = Array.isArray(args.values.image) ? args.values.image.filter((f): f is string => typeof f === 'string') : [];
  if (files.length > MAX_IMAGES_PER_QUESTION) {
    throw new ConfigError(`At most ${MAX_IMAGES_PER_QUESTION} images per question (got ${files.length}).`);
  }
  const images: ImageInput[] = [];
  for (const file of files) {
    const abs = path.resolve(io.cwd, file);
    const bytes = await fs.readFile(abs).catch((err: unknown) => {
      throw new ConfigError(`Cannot read the image ${abs}: ${errorMessage(err)}`);
    });
    try {
      images.push(imageInputFrom(bytes, file));
    } catch (err) {
      throw new ConfigError(errorMessage(err));
    }
  }
  const model = io.env.KIMI_MODEL?.trim() || DEFAULT_KIMI_MODEL;
  if (images.length > 0 && !supportsVision(model)) {
    throw new ConfigError(`${model} cannot see images. Use a model with vision, e.g. KIMI_MODEL=${DEFAULT_VISION_MODEL}, or ask without --image.`);
  }
  return images;
}
