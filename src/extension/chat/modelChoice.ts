import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { SETTINGS_SECTION } from '../settings';
import type { Services } from '../services';
import type { ModelChoice } from './chatViewProvider';

/**
 * Kimi's model list for the chat's picker, fetched once per key and base URL (GET /models is
 * cheap but still a request), and the choice written to `kimiMilvus.kimi.model`.
 */
export function createModelChoice(services: Services): ModelChoice {
  let cache: { readonly key: string; readonly baseUrl: string; readonly models: readonly string[] } | undefined;
  return {
    async list() {
      const { kimi } = await services.config();
      if (!kimi.apiKey) {
        // No list without a key, but the picker still shows which model the next question would use.
        return { models: [], current: kimi.model };
      }
      if (cache?.key !== kimi.apiKey || cache.baseUrl !== kimi.baseUrl) {
        try {
          const models = (await services.listKimiModels(kimi.apiKey)).slice().sort();
          cache = { key: kimi.apiKey, baseUrl: kimi.baseUrl, models };
        } catch (err) {
          services.log.debug(`Could not list Kimi models: ${errorMessage(err)}`);
          return { models: [], current: kimi.model };
        }
      }
      return { models: cache.models, current: kimi.model };
    },
    async select(model) {
      const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
      // Write where the effective value comes from, so the choice is not shadowed by a workspace setting.
      const target = config.inspect('kimi.model')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await config.update('kimi.model', model, target);
      services.log.info(`Kimi model set to ${model}.`);
    },
  };
}
