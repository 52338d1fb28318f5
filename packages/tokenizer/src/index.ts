/**
 * @module @agentchart/tokenizer
 * Exact token counts for OpenAI's encodings as an agentchart `TokenCounter`: pass it to the
 * context budget instead of core's built-in estimate.
 */
export { encodingForModel, type TiktokenEncoding } from './encoding-for-model';
export { loadEncoding, type TextTokenCounter } from './load-encoding';
export { type TiktokenCounterOptions, tiktokenCounter } from './tiktoken-counter';
