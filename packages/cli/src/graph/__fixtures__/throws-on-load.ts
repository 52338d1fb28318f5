/** A module that fails while loading, as a broken agent module would. */
throw new Error('the agent module failed to load: missing OPENAI_API_KEY');
