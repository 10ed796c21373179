import { StoreError } from '../errors';

/** Milvus' own rule for collection names (letters, digits, underscores; not starting with a digit). */
const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export function validateCollectionName(name: string): string {
  if (!COLLECTION_NAME.test(name)) {
    throw new StoreError(
      `Invalid collection name ${JSON.stringify(name)}: use 1–255 letters, digits or underscores, not starting with a digit.`,
      'invalid-name',
    );
  }
  return name;
}

/** Turns any label (a folder name, "my-repo") into a valid collection name. */
export function toCollectionName(label: string): string {
  let name = label.normalize('NFKD').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!name) {
    name = 'collection';
  }
  if (/^[0-9]/.test(name)) {
    name = `c_${name}`;
  }
  return name.slice(0, 255);
}
