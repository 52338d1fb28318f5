import type { Checkpoint, Checkpointer } from '../journal/types';

/**
 * Writes a run's checkpoints one at a time, in order. Snapshots that arrive while a write is
 * under way are coalesced into the next write: the journal holds every effect result, so a
 * skipped intermediate snapshot is replayed from it on resume, never lost.
 */
export class CheckpointWriter {
  #version: number;
  #dirty = false;
  #writing: Promise<void> | undefined;
  #failure: unknown;

  constructor(
    private readonly checkpointer: Checkpointer,
    /** Builds the checkpoint body from the run's state at the moment of writing. */
    private readonly build: (version: number) => Checkpoint,
    private readonly onWritten: (checkpoint: Checkpoint) => void,
    version: number,
  ) {
    this.#version = version;
  }

  /** The version of the last checkpoint written. */
  get version(): number {
    return this.#version;
  }

  /** Asks for a checkpoint of the current state. */
  request(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  /** Resolves when every requested checkpoint is written; rejects with a write failure. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      throw failure;
    }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        const checkpoint = this.build(this.#version + 1);
        await this.checkpointer.save(checkpoint);
        this.#version = checkpoint.version;
        this.onWritten(checkpoint);
      }
    } catch (error) {
      this.#failure = error;
      this.#dirty = false;
    } finally {
      this.#writing = undefined;
    }
  }
}
