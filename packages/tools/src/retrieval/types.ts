/** A document the retrieval tool searches. */
export interface RetrievalDocument {
  /** Unique among the documents; returned with each result. */
  id: string;
  text: string;
  /** Returned with each result (a title, a URL, a date). */
  metadata?: Record<string, string | number | boolean> | undefined;
}

/**
 * Turns texts into vectors for the vector search: any embedding model (an OpenAI-compatible
 * embeddings endpoint, a local model) behind one method. It must return one vector per text,
 * in order, all of the same length.
 */
export interface Embedder {
  embed(texts: readonly string[], options: { signal: AbortSignal }): Promise<number[][]>;
}

/** How the retrieval tool ranks documents. */
export type RetrievalMode = 'keyword' | 'vector' | 'hybrid';

/** Options of {@link retrievalTool}. */
export interface RetrievalToolOptions {
  /** The tool's name as the model sees it. Default `search_documents`. */
  name?: string | undefined;
  /** The documents to search, indexed once when the tool is made. */
  documents: readonly RetrievalDocument[];
  /** What the documents are, for the model. Appended to the description. */
  corpusHint?: string | undefined;
  /**
   * Enables vector search (`vector` and `hybrid` modes). Documents are embedded once, on the
   * first search that needs them.
   */
  embedder?: Embedder | undefined;
  /** The mode used when the model does not choose. Default `hybrid` with an embedder, else `keyword`. */
  defaultMode?: RetrievalMode | undefined;
  /** Most results per search. Default 5. */
  maxResults?: number | undefined;
  /** Longest text returned per result, in characters; longer texts are cut. Default 1,000. */
  maxResultChars?: number | undefined;
  /** Texts sent to the embedder per call when indexing. Default 64. */
  embedBatchSize?: number | undefined;
  /** A search (embedding included) is aborted after this long. Default 10 s. */
  timeoutMs?: number | undefined;
}
