/**
 * Images in a conversation's history: what is saved with it and resent with every request is
 * capped, the newest images kept, older ones replaced by a note in their message.
 */
import type { ChatMessage } from '../kimi/types';

/**
 * Keeps the newest images within `maxChars` of data URLs across `lists` (newest list first, each
 * list oldest message first), rewriting the messages in place. Returns how many were dropped.
 */
export function capImages(lists: readonly ChatMessage[][], maxChars: number): number {
  let kept = 0;
  let dropped = 0;
  for (const list of lists) {
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i];
      if (m?.role !== 'user' || !m.images) {
        continue;
      }
      const keep = m.images.filter((img) => (kept + img.url.length <= maxChars ? ((kept += img.url.length), true) : false));
      if (keep.length < m.images.length) {
        dropped += m.images.length - keep.length;
        const note = `${m.content}${m.content ? '\n\n' : ''}(${m.images.length - keep.length} image(s) attached here are no longer kept.)`;
        list[i] = keep.length > 0 ? { role: 'user', content: note, images: keep } : { role: 'user', content: note };
      }
    }
  }
  return dropped;
}
