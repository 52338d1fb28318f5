import type { Checkpoint, Checkpointer, CheckpointWriteResult } from '../store/types';

/** Options of {@link CheckpointWriter}. */
export interface CheckpointWriterOptions {
  checkpointer: Checkpointer;
  /** Builds the checkpoint body from the run's state at the moment of writing. */
  build: (version: number) => Checkpoint;
  onWritten: (checkpoint: Checkpoint, result: CheckpointWriteResult | undefined) => void;
  /** Called once when a write fails; later requests are ignored. */
  onFailure: (error: unknown) => void;
  /** The version of the last checkpoint already stored. */
  version: number;
  /** Resolves when writing may begin (the run holds its thread's lease). */
  ready?: Promise<void>;
}

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
  #failed = false;

  constructor(private readonly options: CheckpointWriterOptions) {
    this.#version = options.version;
  }

  /** The version of the last checkpoint written. */
  get version(): number {
    return this.#version;
  }

  /** Asks for a checkpoint of the current state. */
  request(): void {
    if (this.#failed) return;
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
      await this.options.ready;
      while (this.#dirty) {
        this.#dirty = false;
        const checkpoint = this.options.build(this.#version + 1);
        const result = await this.options.checkpointer.save(checkpoint);
        this.#version = checkpoint.version;
        this.options.onWritten(checkpoint, result);
      }
    } catch (error) {
      this.#failure = error;
      this.#failed = true;
      this.#dirty = false;
      this.#writing = undefined;
      this.options.onFailure(error);
    } finally {
      this.#writing = undefined;
    }
  }
}
