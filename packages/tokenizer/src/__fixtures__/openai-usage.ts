import type { ChatMessage, ChatRequest } from '@agentchart/core';

/** A request and the prompt tokens a provider reports (or would report) for it. */
export interface UsageFixture {
  name: string;
  /**
   * `published`: the number OpenAI printed from its own API's `usage.prompt_tokens`;
   * `derived`: NOT captured from an API — computed by applying OpenAI's documented counting
   * rules ({@link cookbookPromptTokens}) to the request, as no API key is available here.
   */
  source: 'published' | 'derived';
  provenance: string;
  model: string;
  request: ChatRequest;
  /** Names of messages by index: OpenAI's `name` field, which our ChatMessage does not carry. */
  names?: Readonly<Record<number, string>>;
  promptTokens: number;
  /** How far the counter may be from `promptTokens`, in tokens, and why. */
  tolerance: { tokens: number; why: string };
}

const cookbook =
  'OpenAI cookbook, "How to count tokens with tiktoken" (examples/How_to_count_tokens_with_tiktoken.ipynb), output cell';

const jargonMessages: ChatMessage[] = [
  {
    role: 'system',
    content:
      'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    content:
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  { role: 'system', content: "Let's talk later when we're less busy about how to do better." },
  {
    role: 'user',
    content:
      "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];
const jargonNames = {
  1: 'example_user',
  2: 'example_assistant',
  3: 'example_user',
  4: 'example_assistant',
};

const weatherRequest: ChatRequest = {
  messages: [
    {
      role: 'system',
      content: 'You are a helpful assistant that can answer to questions about the weather.',
    },
    { role: 'user', content: "What's the weather like in San Francisco?" },
  ],
  tools: [
    {
      name: 'get_current_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
          unit: {
            type: 'string',
            description: 'The unit of temperature to return',
            enum: ['celsius', 'fahrenheit'],
          },
        },
        required: ['location'],
      },
    },
  ],
};

const tender =
  'Tender T-101: "Quay wall renovation, berths 4-7" for Port of Antwerp, budget EUR 4800000, deadline 2027-02-15.\nStructural renovation of 600 m of quay wall including anchoring and scour protection.';

/** The tender pipeline's research step (examples/tender-pipeline), its tools as zod makes their JSON Schema. */
const researchRequest: ChatRequest = {
  messages: [
    {
      role: 'system',
      content: 'Gather facts for a bid: our history with the buyer and reference projects.',
    },
    { role: 'user', content: `Research for a bid (score 8.4).\n${tender}` },
  ],
  tools: [
    {
      name: 'buyer_history',
      description:
        'Returns how many contracts we delivered for a buyer and their satisfaction (0-1).',
      parameters: {
        type: 'object',
        properties: { buyer: { type: 'string', minLength: 1 } },
        required: ['buyer'],
        additionalProperties: false,
      },
    },
    {
      name: 'reference_projects',
      description: 'Lists our finished projects in a category, to cite as references in a bid.',
      parameters: {
        type: 'object',
        properties: { category: { type: 'string', minLength: 1 } },
        required: ['category'],
        additionalProperties: false,
      },
    },
  ],
};

/** A support desk's tools: descriptions on every property, an enum, an optional field. */
const supportRequest: ChatRequest = {
  messages: [
    {
      role: 'system',
      content: 'You triage customer messages. Open a ticket when the customer reports a fault.',
    },
    {
      role: 'user',
      content: 'My invoice for March was charged twice and support has not answered in a week.',
    },
  ],
  tools: [
    {
      name: 'create_ticket',
      description: 'Opens a support ticket for the right team.',
      parameters: {
        type: 'object',
        properties: {
          title: { type: 'string', description: 'A one-line summary of the problem' },
          team: {
            type: 'string',
            description: 'The team that owns the problem',
            enum: ['billing', 'tech', 'sales'],
          },
          priority: {
            type: 'string',
            description: 'How urgent it is',
            enum: ['low', 'medium', 'high'],
          },
        },
        required: ['title', 'team'],
      },
    },
    {
      name: 'search_knowledge_base',
      description: 'Searches help articles.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'Words to search for' } },
        required: ['query'],
      },
    },
  ],
};

/** Requests with the prompt tokens OpenAI reports for them (published) or its rules give (derived). */
export const usageFixtures: UsageFixture[] = [
  {
    name: 'six messages with names, gpt-4o-mini',
    source: 'published',
    provenance: `${cookbook} of section 6: "124 prompt tokens counted by the OpenAI API" (gpt-4o-mini)`,
    model: 'gpt-4o-mini',
    request: { messages: jargonMessages },
    names: jargonNames,
    promptTokens: 124,
    tolerance: { tokens: 0, why: 'message framing is documented and exact' },
  },
  {
    name: 'six messages with names, gpt-4',
    source: 'published',
    provenance: `${cookbook} of section 6: "129 prompt tokens counted by the OpenAI API" (gpt-4)`,
    model: 'gpt-4',
    request: { messages: jargonMessages },
    names: jargonNames,
    promptTokens: 129,
    tolerance: { tokens: 0, why: 'message framing is documented and exact' },
  },
  {
    name: 'one tool with an enum, gpt-4o-mini',
    source: 'published',
    provenance: `${cookbook} of section 7: "101 prompt tokens counted by the OpenAI API" (gpt-4o-mini)`,
    model: 'gpt-4o-mini',
    request: weatherRequest,
    promptTokens: 101,
    tolerance: { tokens: 0, why: 'the tool rendering reproduces this published count' },
  },
  {
    name: 'one tool with an enum, gpt-4',
    source: 'published',
    provenance: `${cookbook} of section 7: "105 prompt tokens counted by the OpenAI API" (gpt-4)`,
    model: 'gpt-4',
    request: weatherRequest,
    promptTokens: 105,
    tolerance: { tokens: 0, why: 'the tool rendering reproduces this published count' },
  },
  {
    name: 'tender filter prompt, gpt-4o-mini',
    source: 'derived',
    provenance:
      'num_tokens_from_messages (OpenAI cookbook, section 6) applied with o200k_base; not captured',
    model: 'gpt-4o-mini',
    request: {
      messages: [
        {
          role: 'system',
          content:
            'You screen public tenders for an engineering consultancy (bridges, ports, water).',
        },
        { role: 'user', content: `Is this tender relevant to us?\n${tender}` },
      ],
    },
    promptTokens: 90,
    tolerance: { tokens: 0, why: "messages only: the documented rule is the counter's rule" },
  },
  {
    name: 'tender research step with two tools, gpt-4o-mini',
    source: 'derived',
    provenance:
      'num_tokens_for_tools (OpenAI cookbook, section 7) applied with o200k_base; not captured',
    model: 'gpt-4o-mini',
    request: researchRequest,
    promptTokens: 174,
    tolerance: {
      tokens: 9,
      why: '5%: for tools the cookbook formula and the TypeScript rendering are two approximations of an unpublished format (they agree exactly on the published example)',
    },
  },
  {
    name: 'support desk with two tools and enums, gpt-4',
    source: 'derived',
    provenance:
      'num_tokens_for_tools (OpenAI cookbook, section 7) applied with cl100k_base; not captured',
    model: 'gpt-4',
    request: supportRequest,
    promptTokens: 162,
    tolerance: {
      tokens: 8,
      why: '5%: for tools the cookbook formula and the TypeScript rendering are two approximations of an unpublished format',
    },
  },
];
