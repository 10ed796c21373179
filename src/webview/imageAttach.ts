/**
 * Images for the next question: pasted into the input, dropped on the composer, or picked with
 * Attach. Each is checked (PNG, JPEG, WebP or GIF), downscaled on a canvas so its longest side is
 * at most MAX_SIDE and its data URL within the protocol's cap, and shown as a thumbnail chip. With
 * a model that cannot see images the composer says so and offers one that can.
 */
import { type ImageAttachment, IMAGE_DATA_URL, MAX_IMAGE_DATA_URL_CHARS, MAX_IMAGES, MAX_THUMBNAIL_CHARS } from '../shared/images';
import { button, el } from './dom';

export const ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/** Longest side sent to the model: larger images cost the same 1024 tokens and only add bytes. */
export const MAX_SIDE = 1568;
const THUMB_SIDE = 96;
/** Files larger than this are refused before decoding (the browser would decode them whole). */
const MAX_FILE_BYTES = 30 * 1024 * 1024;

export interface VisionInfo {
  readonly current: string;
  readonly vision: readonly string[];
  readonly visionModel?: string;
}

/** How an image is scaled: its size within MAX_SIDE, never enlarged. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export class ImageAttachments {
  readonly chips = el('div', { class: 'chips images', role: 'group', 'aria-label': 'Images for the next question' });
  readonly notice = el('div', { class: 'image-notice', role: 'status' });
  readonly picker = el('input', { type: 'file', accept: ACCEPTED_TYPES.join(','), multiple: '', hidden: '', 'aria-hidden': 'true' });
  readonly attach = button('Attach an image (PNG, JPEG, WebP, GIF)', { class: 'attach' }, 'Image');
  private images: ImageAttachment[] = [];
  private vision: VisionInfo | undefined;
  private problem = '';

  constructor(
    input: HTMLTextAreaElement,
    dropZone: HTMLElement,
    private readonly onUseModel: (model: string) => void,
  ) {
    this.attach.addEventListener('click', () => this.picker.click());
    this.picker.addEventListener('change', () => {
      void this.add(Array.from(this.picker.files ?? []));
      this.picker.value = '';
    });
    input.addEventListener('paste', (e) => {
      const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'));
      if (files.length > 0) {
        e.preventDefault();
        void this.add(files);
      }
    });
    dropZone.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
      }
    });
    dropZone.addEventListener('drop', (e) => {
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) {
        e.preventDefault();
        void this.add(files);
      }
    });
    this.render();
  }

  /** The images to send with the next question. */
  taken(): readonly ImageAttachment[] {
    return this.images;
  }

  clear(): void {
    this.images = [];
    this.problem = '';
    this.render();
  }

  setVision(info: VisionInfo): void {
    this.vision = info;
    this.render();
  }

  async add(files: readonly File[]): Promise<void> {
    const problems: string[] = [];
    for (const file of files) {
      if (this.images.length >= MAX_IMAGES) {
        problems.push(`At most ${MAX_IMAGES} images per question.`);
        break;
      }
      try {
        this.images.push(await prepareImage(file));
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    this.problem = problems.join(' ');
    this.render();
  }

  private render(): void {
    this.chips.replaceChildren(
      ...this.images.map((img, i) => {
        const x = button(`Remove ${img.name}`, { class: 'chip-remove' }, '×');
        x.addEventListener('click', () => {
          this.images.splice(i, 1);
          this.render();
        });
        return el('span', { class: 'chip image-chip', title: img.name }, el('img', { src: img.thumbnail, alt: img.name, class: 'thumb' }), el('span', { class: 'chip-label' }, img.name), x);
      }),
    );
    this.chips.hidden = this.images.length === 0;
    const blind = this.images.length > 0 && this.vision !== undefined && !this.vision.vision.includes(this.vision.current);
    const parts: Array<Node | string> = [];
    if (this.problem) {
      parts.push(el('span', { class: 'image-problem' }, this.problem));
    }
    if (blind && this.vision) {
      const offer = this.vision.visionModel;
      parts.push(el('span', {}, `${this.vision.current} cannot see images.`));
      if (offer) {
        const use = button(`Use ${offer}`, { class: 'use-vision' });
        use.addEventListener('click', () => this.onUseModel(offer));
        parts.push(use);
      }
    }
    this.notice.replaceChildren(...parts);
    this.notice.hidden = parts.length === 0;
  }
}

/** Checks, decodes, downscales and encodes one image, with a thumbnail. */
export async function prepareImage(file: File): Promise<ImageAttachment> {
  const name = file.name || 'pasted image';
  if (!(ACCEPTED_TYPES as readonly string[]).includes(file.type)) {
    throw new Error(`${name}: only PNG, JPEG, WebP and GIF images can be sent.`);
  }
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`${name} is ${Math.round(file.size / 1024 / 1024)} MB; images up to ${MAX_FILE_BYTES / 1024 / 1024} MB can be attached.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${name} could not be read as an image (damaged or not what its type says).`);
  }
  try {
    const dataUrl = await encodeWithin(bitmap, file, MAX_IMAGE_DATA_URL_CHARS);
    const thumbnail = encode(bitmap, THUMB_SIDE, 'image/jpeg', 0.7);
    if (!IMAGE_DATA_URL.test(dataUrl) || thumbnail.length > MAX_THUMBNAIL_CHARS) {
      throw new Error(`${name} could not be prepared for sending.`);
    }
    return { name, dataUrl, thumbnail };
  } finally {
    bitmap.close();
  }
}

/** The original when it is small enough and of a sent type; else re-encoded, smaller and smaller, until it fits. */
async function encodeWithin(bitmap: ImageBitmap, file: File, maxChars: number): Promise<string> {
  if (Math.max(bitmap.width, bitmap.height) <= MAX_SIDE && file.size * 1.37 + 40 < maxChars) {
    return readAsDataUrl(file);
  }
  const type = file.type === 'image/png' || file.type === 'image/gif' ? 'image/png' : 'image/jpeg';
  for (let side = MAX_SIDE; side >= 256; side = Math.floor(side * 0.75)) {
    for (const quality of type === 'image/png' ? [1] : [0.85, 0.7]) {
      const url = encode(bitmap, side, type, quality);
      if (url.length <= maxChars) {
        return url;
      }
    }
    const jpeg = encode(bitmap, side, 'image/jpeg', 0.8);
    if (jpeg.length <= maxChars) {
      return jpeg;
    }
  }
  throw new Error(`${file.name || 'The image'} is too large to send even when scaled down.`);
}

function encode(bitmap: ImageBitmap, maxSide: number, type: string, quality: number): string {
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    throw new Error('This view cannot draw images (no 2D canvas).');
  }
  if (type === 'image/jpeg') {
    // JPEG has no transparency: a transparent screenshot would turn black.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
  }
  ctx.drawImage(bitmap, 0, 0, width, height);
  return canvas.toDataURL(type, quality);
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error(`${file.name} could not be read.`)));
    reader.onerror = () => reject(new Error(`${file.name} could not be read.`));
    reader.readAsDataURL(file);
  });
}
