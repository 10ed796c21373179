import type { ImageInput } from '../../core/kimi/types';
import type { ChatImage, Turn } from '../../shared/chatModel';

/** An image sent with a question: its preview for the turn, its data URL for the model. */
export interface SentImage {
  readonly name: string;
  readonly thumbnail?: string;
  readonly url: string;
}

/**
 * What a conversation keeps of its images: the model's history keeps the newest images up to this
 * many characters of data URL (about 6 MB; older ones are dropped with a note), the turns keep
 * previews up to the second cap (older previews become a plain chip). Both survive a reload.
 */
export const MAX_HISTORY_IMAGE_CHARS = 8_000_000;
export const MAX_THUMBNAIL_CHARS_PER_CHAT = 2_000_000;

export function turnImages(images: readonly SentImage[]): ChatImage[] {
  return images.map(({ name, thumbnail }) => (thumbnail ? { name, thumbnail } : { name }));
}

export function modelImages(images: readonly SentImage[]): ImageInput[] {
  return images.map(({ url }) => ({ url }));
}

/** The images of a turn asked again: its previews, with the data URLs its history message still holds. */
export function resentImages(turn: Turn, urls: readonly ImageInput[]): SentImage[] {
  return urls.map((u, i) => ({ name: turn.images?.[i]?.name ?? `image ${i + 1}`, ...(turn.images?.[i]?.thumbnail ? { thumbnail: turn.images[i]?.thumbnail } : {}), url: u.url }));
}

/** The turns with the oldest previews dropped until all of them fit `maxChars`. */
export function capThumbnails(turns: readonly Turn[], maxChars = MAX_THUMBNAIL_CHARS_PER_CHAT): Turn[] {
  let used = 0;
  const out = [...turns];
  for (let t = out.length - 1; t >= 0; t--) {
    const turn = out[t];
    if (!turn?.images) {
      continue;
    }
    const images = turn.images.map((img) => {
      if (img.thumbnail && used + img.thumbnail.length <= maxChars) {
        used += img.thumbnail.length;
        return img;
      }
      return { name: img.name };
    });
    out[t] = { ...turn, images };
  }
  return out;
}
