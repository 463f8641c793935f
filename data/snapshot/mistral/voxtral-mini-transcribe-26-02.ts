import { StaticModel } from '../schema';
export default {
  name: 'Voxtral Mini Transcribe 2',
  describe: (l) => ({
    description: l.text(`An efficient audio input model, optimized for transcription.`, { context: 'Full description of an AI model' }),
    shortDescription: l.text(`An efficient audio input model.`, { context: 'Short description of an AI model' }),
  }),
  slug: 'voxtral-mini-transcribe-26-02',
  releaseDate: '2026-02-04',
  status: 'GA',
  weights: [],
  contextLength: '--',
  pricing: {
    type: 'custom',
    free: false,
    input: [
      { type: 'flat', price: 0.003, priceEur: 0.0026, denominator: '/Min' }
    ],
    output: [

    ]
  },
  identifiers: { apiNames: ['voxtral-mini-2602', 'voxtral-mini-latest'] },
  capabilities: {
    input: ['audio'],
    output: ['text'],
    features: ['timestamps', 'transcriptions'],
  },
  metadata: {},
  legacy: false,
} as const satisfies StaticModel;
