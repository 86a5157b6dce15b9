import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ModelRole } from '../config.ts';

/** The chat model each role uses; graphs receive this, never a provider. */
export type ModelsByRole = Record<ModelRole, BaseChatModel>;
