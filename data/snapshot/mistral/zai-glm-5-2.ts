import { StaticModel } from '../schema';

export default {
  name: 'Z.ai GLM 5.2',
  describe: (l) => ({
    description: l.text('A third-party open source text model from Z.ai, hosted by Mistral.', { context: 'Full description of an AI model' }),
    shortDescription: l.text('A third-party open source text model from Z.ai.', { context: 'Short description of an AI model' }),
  }),
  slug: 'zai-glm-5-2',
  releaseDate: '2026-08-06',
  status: 'PublicPreview',
  weights: [],
  tags: ['third-party'],
  pricingLayout: 'stacked',
  contextLength: '1M',
  pricing: {
    type: 'custom',
    free: false,
    input: [
      { type: 'range', price: 1.4, priceEur: 1.19, denominator: '/M Tokens', label: 'Input' },
      { type: 'range', price: 0.14, priceEur: 0.119, denominator: '/M Tokens', label: 'Cached input' },
    ],
    output: [
      { type: 'range', price: 4.4, priceEur: 3.74, denominator: '/M Tokens', label: 'Output' },
    ],
  },
  identifiers: { apiNames: ['zai-glm-5-2'] },
  capabilities: {
    input: ['text'],
    output: ['reasoning', 'text'],
    features: ['chat-completions', 'function-calling'],
  },
  metadata: {},
  playground: undefined,
  legacy: false,
} as const satisfies StaticModel;
