import { defineModels, getModelSlugAliases } from '../schema';
import zaiGlm52 from './zai-glm-5-2';
import mistralLarge32512 from './mistral-large-3-25-12';
// an import that MODELS does not use is not a link
import unused from './not-listed';
import mistralMedium312508 from './mistral-medium-3-1-25-08';
import voxtralMiniTranscribe2602 from './voxtral-mini-transcribe-26-02';
export const MODELS = defineModels([
  zaiGlm52,
  mistralLarge32512,
  mistralMedium312508,
  voxtralMiniTranscribe2602,
] as const);
