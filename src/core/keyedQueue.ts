/**
 * Runs tasks for one key one after another, whatever each one's outcome; different keys run
 * concurrently. Used for one writer per collection (Milvus Lite is unsafe with concurrent writers,
 * and one indexing run per collection keeps the id diff valid) and one agent run per chat history.
 * A key is forgotten once its queue is empty.
 */
export class KeyedQueue<K = string> {
  private readonly tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    });
    return next;
  }
}
