import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ModelRole } from '../config.ts';
import type { ModelTier, TierChoice } from './choose-model-tier.ts';

/**
 * The chat model each role uses for routine calls, and the premium models of the roles that
 * have one (`MODEL_<ROLE>_PREMIUM`); graphs receive this, never a provider.
 */
export type ModelsByRole = Record<ModelRole, BaseChatModel> & {
  premium?: Partial<Record<ModelRole, BaseChatModel>>;
};

/** The model a call goes to, with the tier it actually got. */
export interface SelectedModel {
  model: BaseChatModel;
  tier: ModelTier;
  reason: string;
}

/**
 * The role's model for the tier the routing policy chose. Without a premium model for the
 * role, a premium call falls back to the routine one, and says so.
 * @example const { model, tier } = selectModel(models, 'executor', chooseModelTier({ step: 'route' }));
 */
export function selectModel(models: ModelsByRole, role: ModelRole, choice: TierChoice): SelectedModel {
  const premium = models.premium?.[role];
  if (choice.tier === 'premium' && premium) return { model: premium, tier: 'premium', reason: choice.reason };
  if (choice.tier === 'premium') return { model: models[role], tier: 'routine', reason: `${choice.reason}; no premium model, routine used` };
  return { model: models[role], tier: 'routine', reason: choice.reason };
}
