import type { ChatRequest } from '@agentchart/core';
import { type ScriptedModel, type ScriptedResponse, scriptedModel } from '@agentchart/core/testing';

/**
 * The demo's embedded model: deterministic answers computed from each request, standing in
 * for a real LLM so the pipeline runs offline. A few tenders carry the quirks real models
 * show — invalid JSON that must be re-asked, bad tool arguments, a tool that fails — so the
 * demo exercises the harness, not just the happy path.
 */
interface Profile {
  relevant: boolean;
  confidence: number;
  categories: string[];
  score: number;
  quirk?: 'invalid-rating-once' | 'bad-tool-arguments' | 'archive-offline';
}

const profiles: Record<string, Profile> = {
  'T-101': { relevant: true, confidence: 0.92, categories: ['ports', 'structures'], score: 8.4 },
  'T-102': { relevant: false, confidence: 0.97, categories: ['facility services'], score: 0 },
  'T-103': { relevant: true, confidence: 0.88, categories: ['bridges'], score: 8.9 },
  'T-104': { relevant: true, confidence: 0.81, categories: ['water'], score: 6.1 },
  'T-105': { relevant: false, confidence: 0.95, categories: ['IT services'], score: 0 },
  'T-106': { relevant: true, confidence: 0.55, categories: ['ports'], score: 0 },
  'T-107': {
    relevant: true,
    confidence: 0.9,
    categories: ['water', 'automation'],
    score: 7.6,
    quirk: 'bad-tool-arguments',
  },
  'T-108': {
    relevant: true,
    confidence: 0.85,
    categories: ['water'],
    score: 7.2,
    quirk: 'invalid-rating-once',
  },
  'T-109': { relevant: false, confidence: 0.99, categories: ['catering'], score: 0 },
  'T-110': {
    relevant: true,
    confidence: 0.93,
    categories: ['water', 'structures'],
    score: 8.1,
    quirk: 'archive-offline',
  },
};

const buyers = [
  'Port of Antwerp',
  'City of Rotterdam',
  'Region Skåne',
  'Municipality of Delft',
  'Province of Utrecht',
  'Municipality of Veere',
];

/** Creates one demo model; `latencyMs` simulates a model's response time. */
export function demoModel({ name, latencyMs }: { name: string; latencyMs: number }): ScriptedModel {
  return scriptedModel({ modelName: name, latencyMs, handler: demoAnswer });
}

/**
 * The demo model's answer to a request: also what the demo's tests serve from a local
 * OpenAI-compatible server, so the demo can run through the real client offline.
 */
export function demoAnswer(request: ChatRequest): ScriptedResponse {
  const text = request.messages.map((message) => message.content).join('\n');
  const id = /Tender (T-\d+)/.exec(text)?.[1] ?? 'unknown';
  const profile = profiles[id] ?? {
    relevant: false,
    confidence: 0.5,
    categories: ['unknown'],
    score: 0,
  };
  const format =
    request.responseFormat?.type === 'json_schema' ? request.responseFormat.name : undefined;
  const reasked = request.messages.some((message) =>
    message.content.startsWith('Your answer did not match'),
  );
  switch (format) {
    case 'tender_filter':
      return {
        json: {
          relevant: profile.relevant,
          confidence: profile.confidence,
          categories: profile.categories,
          reasoning: profile.relevant
            ? `Matches our ${profile.categories.join(' and ')} practice.`
            : `Outside our fields (${profile.categories[0]}).`,
        },
      };
    case 'tender_rating':
      if (profile.quirk === 'invalid-rating-once' && !reasked) {
        // A chatty answer with the required risks missing: the harness re-asks with the issues.
        return `Here is my rating:\n\`\`\`json\n${JSON.stringify({ overall: profile.score, strategicFit: 7, winProbability: 0.4, effort: 'medium', strengths: ['in-house hydraulic models'] })}\n\`\`\``;
      }
      return {
        json: {
          overall: profile.score,
          strategicFit: Math.min(10, profile.score + 0.5),
          winProbability: Math.round(profile.score * 6) / 100,
          effort: profile.score > 8 ? 'medium' : 'high',
          strengths: ['relevant references', 'local team'],
          risks: profile.score < 7 ? ['thin margin', 'no history with buyer'] : ['tight deadline'],
        },
      };
    case 'bid_document':
      return {
        json: {
          executiveSummary: `We propose to deliver ${id} with a dedicated team and proven methods.`,
          technicalApproach: `Phased approach for ${profile.categories.join(', ')} works, with early risk reviews.`,
          teamAndExperience:
            'Project lead with 15 years of port and water projects; references attached.',
          pricingAndTimeline: 'Fixed price per phase; mobilisation within four weeks of award.',
        },
      };
    default:
      return research(request, id, profile);
  }
}

/** The research tool loop: call both tools, then summarise what they returned. */
function research(request: ChatRequest, id: string, profile: Profile): ScriptedResponse {
  const toolResults = request.messages.filter((message) => message.role === 'tool');
  const buyer =
    buyers.find((name) => request.messages.some((m) => m.content.includes(name))) ?? 'unknown';
  const category =
    profile.quirk === 'archive-offline' ? 'unavailable' : (profile.categories[0] ?? 'general');
  if (toolResults.length === 0) {
    return {
      toolCalls: [
        {
          name: 'buyer_history',
          arguments: profile.quirk === 'bad-tool-arguments' ? { client: buyer } : { buyer },
        },
        { name: 'reference_projects', arguments: { category } },
      ],
    };
  }
  const lastError = toolResults.at(-1)?.content.includes('"error"');
  if (lastError || toolResults.some((m) => m.content.includes('Invalid arguments'))) {
    if (toolResults.length < 3)
      return { toolCalls: [{ name: 'buyer_history', arguments: { buyer } }] };
  }
  return `Research for ${id}: ${toolResults.map((message) => message.content).join('; ')}`;
}
