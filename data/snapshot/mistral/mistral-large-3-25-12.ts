import { StaticModel } from '../schema';
export default {
  name: 'Mistral Large 3',
  describe: (l) => ({
    description: l.text(`A state-of-the-art, open-weight, general-purpose multimodal model.`, { context: 'Full description of an AI model' }),
    shortDescription: l.text(`A general-purpose multimodal model.`, { context: 'Short description of an AI model' }),
  }),
  slug: 'mistral-large-3-25-12',
  slugAliases: ['mistral-large'],
  releaseDate: '2025-12-02',
  version: '25.12',
  frontier: true,
  class: 'Generalist',
  type: 'Open',
  status: 'GA',
  weights: [
    { name: 'Weights', license: 'Apache 2.0', url: null, parameters: '675', active: '41', contextSize: '256k' }
  ],
  contextLength: '256k',
  ratings: { speed: 2.0, performance: 4.0, input: 4.0, output: 2.0 },
  pricing: {
    type: 'custom',
    free: false,
    input: [
      { type: 'range', price: 0.5, priceEur: 0.44, denominator: '/M Tokens' }
    ],
    output: [
      { type: 'range', price: 1.5, priceEur: 1.3, denominator: '/M Tokens' }
    ]
  },
  identifiers: { apiNames: ['mistral-large-2512', 'mistral-large-latest'] },
  capabilities: {
    input: ['text', 'image'],
    output: ['text'],
    features: ['function-calling', 'chat-completions', 'batching'],
  },
  metadata: {},
  legacy: false,
} as const satisfies StaticModel;
