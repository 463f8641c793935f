import { StaticModel } from '../schema';
export default {
  name: 'Mistral Medium 3.1',
  describe: (l) => ({
    description: l.text(`Our frontier-class multimodal model released August 2025.`, { context: 'Full description of an AI model' }),
    shortDescription: l.text(`Our frontier-class multimodal model.`, { context: 'Short description of an AI model' }),
  }),
  slug: 'mistral-medium-3-1-25-08',
  releaseDate: '2025-08-12',
  status: 'Deprecated',
  weights: [],
  pricing: {
    type: 'custom',
    free: false,
    input: [
      { type: 'range', price: 0.4, denominator: '/M Tokens' }
    ],
    output: [
      { type: 'range', price: 2.0, denominator: '/M Tokens' }
    ]
  },
  identifiers: { apiNames: ['mistral-medium-2508'] },
  capabilities: { input: ['text', 'image'], output: ['text'], features: ['chat-completions'] },
  metadata: {deprecationDate: '2026-05-22', retirementDate: '2026-08-31', replacement: 'Mistral Medium 3.5'},
  legacy: true,
} as const satisfies StaticModel;
